// In-memory EsStore for unit tests: same interface and bulk retry path as the real adapter (see README limits below).
//
// Limits (by design, the contract suite uses nothing more): search supports match_all, term, terms,
// ids and bool with `size`/`from` (no scoring, no sort: hits come in insertion order); aggregations
// are `terms` only; mappings are checked for `dynamic: strict` field presence only (no types);
// one shard per index with primary term 1; refresh is a no-op (writes are visible at once).
import { EsUnavailableError } from '../errors.js';
import { bulkWithRetry } from '../bulk-retry.js';
import type { BulkItemResult, BulkOp, BulkWriteOptions, EsDoc, EsStore, GetResult, RetryPolicy, SearchResult } from '../types.js';
import { applyOp } from './apply.js';
import { MemoryCluster } from './cluster.js';
import { matchesPattern } from './mapping.js';
import { aggregate, matches } from './query.js';

/** Fast retries so unit tests exercising 429 paths stay quick. */
const FAKE_RETRY: RetryPolicy = { initialDelayMs: 5, maxDelayMs: 50, maxTotalMs: 2_000 };

export class MemoryEsStore implements EsStore {
  readonly cluster: MemoryCluster;
  private readonly retry: RetryPolicy;
  private closed = false;

  /** Pass the same `cluster` to several stores to share state (e.g. one with a different retry policy). */
  constructor(opts: { cluster?: MemoryCluster; retry?: RetryPolicy } = {}) {
    this.cluster = opts.cluster ?? new MemoryCluster();
    this.retry = opts.retry ?? FAKE_RETRY;
  }

  private check(): void {
    if (this.closed) throw new EsUnavailableError('memory ES store is closed');
  }

  private sendOnce = (ops: readonly BulkOp[], _opts: BulkWriteOptions): Promise<BulkItemResult[]> => {
    this.check();
    this.cluster.bulkRequests += 1;
    const plan = this.cluster.takeFailure();
    if (plan?.scope === 'request') return Promise.reject(new EsUnavailableError(`bulk: HTTP ${plan.status} (injected)`, plan.status));
    const every = Math.max(1, plan?.every ?? 1);
    return Promise.resolve(
      ops.map((op, i): BulkItemResult => {
        if (plan && i % every === 0) {
          return { ok: false, status: plan.status, type: plan.status === 429 ? 'es_rejected_execution_exception' : 'unavailable_shards_exception', reason: 'injected failure' };
        }
        return applyOp(this.cluster, op);
      }),
    );
  };

  bulkWrite(ops: readonly BulkOp[], opts: BulkWriteOptions = {}): Promise<BulkItemResult[]> {
    return bulkWithRetry(this.sendOnce, ops, opts, this.retry);
  }

  get(index: string, id: string): Promise<GetResult> {
    this.check();
    const d = this.cluster.indices.get(index)?.docs.get(id);
    return Promise.resolve(
      d ? { found: true, index, id, source: structuredClone(d.source), seqNo: d.seqNo, primaryTerm: d.primaryTerm, version: d.version } : { found: false, index, id },
    );
  }

  async mget(index: string, ids: readonly string[]): Promise<GetResult[]> {
    return Promise.all(ids.map((id) => this.get(index, id)));
  }

  private matching(index: string, query: EsDoc | undefined): Array<{ index: string; id: string; source: EsDoc }> {
    this.check();
    const out: Array<{ index: string; id: string; source: EsDoc }> = [];
    for (const idx of this.cluster.resolve(index)) {
      for (const [id, d] of idx.docs) if (matches(query, id, d.source)) out.push({ index: idx.name, id, source: d.source });
    }
    return out;
  }

  search(index: string, body: EsDoc): Promise<SearchResult> {
    const all = this.matching(index, body['query'] as EsDoc | undefined);
    const size = typeof body['size'] === 'number' ? body['size'] : 10;
    const from = typeof body['from'] === 'number' ? body['from'] : 0;
    const aggs = body['aggs'] ?? body['aggregations'];
    return Promise.resolve({
      total: all.length,
      hits: all.slice(from, from + size).map((h) => ({ ...h, source: structuredClone(h.source), score: null })),
      ...(aggs ? { aggregations: aggregate(aggs as EsDoc, all.map((h) => h.source)) } : {}),
    });
  }

  count(index: string, query?: EsDoc): Promise<number> {
    return Promise.resolve(this.matching(index, query).length);
  }

  aggregate(index: string, aggs: EsDoc, query?: EsDoc): Promise<Record<string, unknown>> {
    return Promise.resolve(aggregate(aggs, this.matching(index, query).map((h) => h.source)));
  }

  installTemplates(set: { componentTemplates?: Array<{ name: string; body: EsDoc }>; indexTemplates?: Array<{ name: string; body: EsDoc }> }): Promise<void> {
    this.check();
    for (const t of set.componentTemplates ?? []) this.cluster.componentTemplates.set(t.name, structuredClone(t.body));
    for (const t of set.indexTemplates ?? []) {
      // Like ES: an index template may only compose component templates that exist.
      const missing = ((t.body['composed_of'] as string[] | undefined) ?? []).filter((c) => !this.cluster.componentTemplates.has(c));
      if (missing.length > 0) return Promise.reject(new Error(`index template [${t.name}] specifies component templates ${JSON.stringify(missing)} that do not exist`));
      this.cluster.indexTemplates.set(t.name, structuredClone(t.body));
    }
    return Promise.resolve();
  }

  ensureIndex(name: string, body?: EsDoc): Promise<boolean> {
    this.check();
    if (this.cluster.indices.has(name)) return Promise.resolve(false);
    this.cluster.createIndex(name, body);
    return Promise.resolve(true);
  }

  deleteIndices(pattern: string): Promise<void> {
    this.check();
    for (const name of [...this.cluster.indices.keys()]) if (matchesPattern(pattern, name)) this.cluster.indices.delete(name);
    return Promise.resolve();
  }

  deleteTemplates(set: { componentTemplates?: Array<{ name: string }>; indexTemplates?: Array<{ name: string }> }): Promise<void> {
    for (const t of set.indexTemplates ?? []) this.cluster.indexTemplates.delete(t.name);
    for (const t of set.componentTemplates ?? []) this.cluster.componentTemplates.delete(t.name);
    return Promise.resolve();
  }

  refresh(_index: string): Promise<void> {
    this.check();
    return Promise.resolve();
  }

  health() {
    return Promise.resolve(this.closed ? { ok: false, status: 'unreachable' as const, detail: 'closed' } : { ok: true, status: 'green' as const });
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
