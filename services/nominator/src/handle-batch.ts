// The verdicts batch handler: index evidence, recompute touched nominations, enqueue probe jobs, then report one outcome per record.
import { ContractError, decodeVerdict, type VerdictRecord } from '@spamtrap/contracts';
import { EsRequestError, isVersionConflict, type BulkOp, type EsStore } from '@spamtrap/es';
import { buildEvidenceDoc, buildNominationDoc, evidenceTime, indexNames, nominationOf, type NominationView } from '@spamtrap/es-schema';
import type { BatchHandler, IncomingRecord, RecordOutcome } from '@spamtrap/kafka';
import type { Logger } from '@spamtrap/logging';
import { describeFailure, refreshIndices, writeAll, type BulkLimits } from './bulk.js';
import { JOB_EVIDENCE_IDS, JOB_REASONS, probeJobIdFor, probeKindOf, type ProbeEnqueuer, type ProbeJobData } from './probe-jobs.js';
import type { ComputeViews } from './views.js';

/** DLQ reason codes this stage writes (besides the contract codes DECODE_FAILED / CONTRACT_VIOLATION / EMPTY_RECORD). */
export const NOMINATOR_DLQ = {
  buildFailed: 'DOC_BUILD_FAILED',
  esRejected: 'ES_REJECTED',
  nominationRejected: 'NOMINATION_REJECTED',
  nominationFailed: 'NOMINATION_FAILED',
  probeJobInvalid: 'PROBE_JOB_INVALID',
} as const;

export interface VerdictHandlerSettings {
  prefix: string;
  redactionSecret: string;
  trapDomains: readonly string[];
  storeRaw: boolean;
  bulk: BulkLimits;
  probeEnabled: boolean;
  probeCooldownMs: number;
  probeMaxEvidenceAgeMs: number;
}

export interface VerdictHandlerDeps {
  store: Pick<EsStore, 'bulkWrite' | 'refresh'>;
  computeViews: ComputeViews;
  queue: ProbeEnqueuer | null;
  log: Logger;
  now?: () => number;
}

interface Item {
  outcome: RecordOutcome | null;
  verdict: VerdictRecord | null;
  timeMs: number;
}

const ok = (): RecordOutcome => ({ kind: 'ok', outputs: [] });
const dlq = (reason: string, error: string, evidenceId: string | null): RecordOutcome => ({ kind: 'dlq', reason, error: error.slice(0, 2000), evidenceId });

function isTransient(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { transient?: unknown }).transient === true;
}

export function createVerdictHandler(settings: VerdictHandlerSettings, deps: VerdictHandlerDeps): BatchHandler {
  const names = indexNames(settings.prefix);
  const now = deps.now ?? Date.now;

  return async (records: IncomingRecord[]): Promise<RecordOutcome[]> => {
    const ingestedAt = new Date(now()).toISOString();
    const items: Item[] = [];
    const ops: BulkOp[] = [];
    const opItem: number[] = [];

    // 1. Decode and build; a bad record is DLQ'd on its own.
    for (const rec of records) {
      let v: VerdictRecord;
      try {
        v = decodeVerdict(rec.value);
      } catch (err) {
        const reason = err instanceof ContractError ? err.reason : 'DECODE_FAILED';
        items.push({ outcome: dlq(reason, (err as Error).message, null), verdict: null, timeMs: 0 });
        continue;
      }
      try {
        const built = buildEvidenceDoc(v, { prefix: settings.prefix, redactionSecret: settings.redactionSecret, trapDomains: settings.trapDomains, storeRaw: settings.storeRaw, ingestedAt });
        opItem.push(items.length);
        items.push({ outcome: null, verdict: v, timeMs: Date.parse(evidenceTime(v)) });
        ops.push({ op: 'index', index: built.index, id: built.id, doc: built.doc });
      } catch (err) {
        items.push({ outcome: dlq(NOMINATOR_DLQ.buildFailed, (err as Error).message, v.evidenceId), verdict: null, timeMs: 0 });
      }
    }

    // 2. Index evidence. Transient trouble throws (nothing committed, batch retried; writes are idempotent by _id).
    const results = await writeAll(deps.store, ops, settings.bulk);
    // Nominations are computed from what search sees next: make this batch's evidence visible first.
    if (results.some((r) => r.ok)) await refreshIndices(deps.store, ops);
    results.forEach((r, i) => {
      const item = items[opItem[i]!]!;
      if (r.ok) return;
      item.outcome = dlq(NOMINATOR_DLQ.esRejected, describeFailure(r), item.verdict?.evidenceId ?? null);
      item.verdict = null;
    });
    const indexed = items.filter((it) => it.outcome === null && it.verdict !== null);

    // 3. Recompute the nominations the batch touched, from the evidence index (now refreshed).
    const byKey = new Map<string, Item[]>();
    for (const it of indexed) {
      const key = nominationOf(it.verdict!)?.key;
      if (key === undefined) continue;
      const list = byKey.get(key) ?? [];
      list.push(it);
      byKey.set(key, list);
    }
    const views = new Map<string, NominationView>();
    if (byKey.size > 0) {
      try {
        for (const view of await deps.computeViews([...byKey.keys()])) views.set(view.key, view);
      } catch (err) {
        if (!(err instanceof EsRequestError)) throw err; // transient: retry the batch
        // Elasticsearch refused the aggregation itself (a bug or a mapping conflict): the evidence
        // is stored; DLQ the records so the partition moves on and they can be replayed after a fix.
        deps.log.error({ err: err.message }, 'nomination view query refused');
        for (const list of byKey.values()) for (const it of list) it.outcome = dlq(NOMINATOR_DLQ.nominationFailed, err.message, it.verdict!.evidenceId);
      }
      const nomOps: BulkOp[] = [...views.values()].map((view) => ({
        op: 'index',
        index: names.nominations,
        id: view.key,
        doc: buildNominationDoc(view, ingestedAt),
        // hits only grow (evidence is idempotent by _id), so version = hits orders the views.
        version: view.hits,
        versionType: 'external_gte',
      }));
      const nomResults = await writeAll(deps.store, nomOps, settings.bulk);
      nomResults.forEach((r, i) => {
        if (r.ok || isVersionConflict(r)) return; // 409: a newer or equal view already won
        const key = (nomOps[i] as { id: string }).id;
        deps.log.error({ key, error: describeFailure(r) }, 'nomination document rejected');
        for (const it of byKey.get(key) ?? []) it.outcome = dlq(NOMINATOR_DLQ.nominationRejected, describeFailure(r), it.verdict!.evidenceId);
      });
    }

    // 4. Probe jobs, one per (kind, key, window); only after Elasticsearch accepted the evidence.
    if (settings.probeEnabled && deps.queue !== null) {
      const jobs = new Map<string, { job: ProbeJobData; items: Item[] }>();
      for (const it of indexed) {
        const v = it.verdict!;
        const kind = probeKindOf(v);
        if (kind === null || it.outcome !== null) continue;
        if (now() - it.timeMs > settings.probeMaxEvidenceAgeMs) continue;
        const key = v.nomination!.key;
        const jobId = probeJobIdFor(kind, key, it.timeMs, settings.probeCooldownMs);
        const view = views.get(key);
        const entry = jobs.get(jobId) ?? {
          job: {
            ip: v.nomination!.ip,
            kind,
            evidenceIds: [],
            reasons: [],
            firstSeen: view?.firstSeen ?? new Date(it.timeMs).toISOString(),
          },
          items: [],
        };
        entry.items.push(it);
        // Oldest first, newest last (the queue contract); the view lists newest first.
        for (const id of [...(view?.evidenceIds ?? [])].reverse().concat(v.evidenceId)) {
          if (!entry.job.evidenceIds.includes(id)) entry.job.evidenceIds.push(id);
        }
        entry.job.evidenceIds = entry.job.evidenceIds.slice(-JOB_EVIDENCE_IDS);
        for (const r of v.reasons ?? []) {
          if (typeof r?.code === 'string' && !entry.job.reasons.includes(r.code) && entry.job.reasons.length < JOB_REASONS) entry.job.reasons.push(r.code.slice(0, 128));
        }
        jobs.set(jobId, entry);
      }
      // Enqueued concurrently (one round trip per batch, not per job); the queue's token bucket
      // still serves callers in order. Any transient failure fails the batch after all settle.
      const entries = [...jobs];
      const queue = deps.queue;
      const settled = await Promise.allSettled(entries.map(([jobId, { job }]) => queue.enqueue(job, { jobId })));
      let transient: Error | null = null;
      for (let i = 0; i < settled.length; i++) {
        const r = settled[i]!;
        const [jobId, { items: jobItems }] = entries[i]!;
        if (r.status === 'fulfilled') deps.log.debug({ jobId, res: r.value }, 'probe job'); // 'duplicate' is success: the job exists
        else if (isTransient(r.reason)) transient ??= r.reason as Error; // Redis down / rate limited: retry the batch, commit nothing
        else for (const it of jobItems) it.outcome = dlq(NOMINATOR_DLQ.probeJobInvalid, (r.reason as Error).message, it.verdict!.evidenceId);
      }
      if (transient !== null) throw transient;
    }

    return items.map((it) => it.outcome ?? ok());
  };
}
