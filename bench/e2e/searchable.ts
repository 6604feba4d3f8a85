// Measures "250 -> searchable": polls Elasticsearch search (not realtime GET) for sampled evidence ids, and _count for throughput.
//
// Every `intervalMs` one `ids` query asks for the oldest pending sampled ids; an id counts as
// searchable at the time the response that first contains it arrived. Resolution is therefore
// one poll interval plus one query round trip (both reported), and the poll itself is one small
// search every interval, which is negligible next to the pipeline's own ES traffic.

export interface SearchableOptions {
  esNode: string;
  /** Index pattern, `<prefix>-evidence-*`. */
  pattern: string;
  intervalMs: number;
  /** Largest `ids` list in one query. */
  maxIdsPerQuery: number;
}

export interface CountPoint {
  at: number;
  count: number;
}

export class SearchableSampler {
  /** evidence id -> time of its 250. */
  private readonly pending = new Map<string, number>();
  /** Latencies (ms) of ids seen, with the 250 time, in order of becoming visible. */
  readonly seen: { id: string; acceptedAt: number; latencyMs: number }[] = [];
  readonly counts: CountPoint[] = [];
  readonly queryMs: number[] = [];
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  private countTick = 0;

  constructor(private readonly o: SearchableOptions) {}

  add(evidenceId: string, acceptedAt: number): void {
    this.pending.set(evidenceId, acceptedAt);
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  start(): void {
    this.timer = setInterval(() => void this.poll(), this.o.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Ids still not searchable and older than `boundMs`: dropped from pending and returned. */
  expire(boundMs: number, now = Date.now()): string[] {
    const out: string[] = [];
    for (const [id, at] of this.pending) if (now - at > boundMs) out.push(id);
    for (const id of out) this.pending.delete(id);
    return out;
  }

  private async post(path: string, body: unknown): Promise<unknown> {
    const r = await fetch(`${this.o.esNode}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!r.ok) throw new Error(`ES ${path}: HTTP ${r.status} ${(await r.text()).slice(0, 200)}`);
    return r.json();
  }

  /** Total evidence documents searchable now (missing index -> 0). */
  async count(): Promise<number> {
    try {
      const r = (await this.post(`${this.o.pattern}/_count?allow_no_indices=true&ignore_unavailable=true`, {})) as { count?: number };
      return r.count ?? 0;
    } catch {
      return -1;
    }
  }

  private async poll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      // _count about once a second for the throughput curve.
      if (this.countTick++ % Math.max(1, Math.round(1000 / this.o.intervalMs)) === 0) {
        const c = await this.count();
        if (c >= 0) this.counts.push({ at: Date.now(), count: c });
      }
      if (this.pending.size === 0) return;
      const ids: string[] = [];
      for (const id of this.pending.keys()) {
        ids.push(id);
        if (ids.length >= this.o.maxIdsPerQuery) break;
      }
      const t0 = Date.now();
      const r = (await this.post(`${this.o.pattern}/_search?allow_no_indices=true&ignore_unavailable=true&filter_path=hits.hits._id`, {
        query: { ids: { values: ids } },
        _source: false,
        size: ids.length,
      })) as { hits?: { hits?: { _id: string }[] } };
      const now = Date.now();
      this.queryMs.push(now - t0);
      for (const h of r.hits?.hits ?? []) {
        const at = this.pending.get(h._id);
        if (at === undefined) continue;
        this.pending.delete(h._id);
        this.seen.push({ id: h._id, acceptedAt: at, latencyMs: now - at });
      }
    } catch {
      // A failed poll is just a missed sample point; the next one retries the same ids.
    } finally {
      this.busy = false;
    }
  }
}

/** Where the time of one message went, from the times the stages wrote into its evidence document (same clock). */
export interface StageTimes {
  /** Sink: acceptance (end of DATA) to the 250 the client read (the acks=all Kafka write). */
  sinkAckMs: number;
  /**
   * 250 to the nominator building the document (`event.ingested`, its wall clock): raw topic, parser,
   * parsed topic, enricher, verdicts topic, nominator. (The verdict's `decided_at` is the acceptance
   * time by design, for byte-identical replays, so the enricher's own moment is not recorded.)
   */
  toBuiltMs: number;
  /** Document built to first seen by a search: bulk write, refresh, and the probe's own resolution. */
  toSearchableMs: number;
}

/** Reads `@timestamp` and `event.ingested` of seen documents and splits their latency. */
export async function stageTimes(esNode: string, pattern: string, seen: readonly { id: string; acceptedAt: number; latencyMs: number }[]): Promise<StageTimes[]> {
  const out: StageTimes[] = [];
  const byId = new Map(seen.map((s) => [s.id, s]));
  const ids = [...byId.keys()];
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    const r = await fetch(`${esNode}/${pattern}/_search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: { ids: { values: chunk } }, size: chunk.length, _source: ['@timestamp', 'event.ingested'] }),
    });
    if (!r.ok) continue;
    const body = (await r.json()) as { hits?: { hits?: { _id: string; _source?: Record<string, unknown> }[] } };
    for (const h of body.hits?.hits ?? []) {
      const s = byId.get(h._id);
      const src = h._source ?? {};
      const accepted = Date.parse(String(src['@timestamp']));
      const ingested = Date.parse(String((src['event'] as { ingested?: string } | undefined)?.ingested));
      if (!s || ![accepted, ingested].every(Number.isFinite)) continue;
      const searchable = s.acceptedAt + s.latencyMs;
      out.push({ sinkAckMs: s.acceptedAt - accepted, toBuiltMs: ingested - s.acceptedAt, toSearchableMs: searchable - ingested });
    }
  }
  return out;
}
