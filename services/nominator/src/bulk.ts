// Writes a batch of documents through BulkBuffer (split by count and bytes) and sorts per-item results into ok / rejected.
import { BulkBuffer, EsRequestError, EsUnavailableError, isRetryableStatus, type BulkItemResult, type BulkOp, type EsStore } from '@spamtrap/es';

export interface BulkLimits {
  maxDocs: number;
  maxBytes: number;
  maxWaitMs: number;
}

/**
 * Indexes `ops` and returns one result per op. Transient trouble throws (the caller commits nothing); an item still
 * refused with 429/5xx is turned into a throw as well, so only permanent rejections come back.
 */
export async function writeAll(store: Pick<EsStore, 'bulkWrite'>, ops: BulkOp[], limits: BulkLimits): Promise<BulkItemResult[]> {
  if (ops.length === 0) return [];
  const buf = new BulkBuffer(store, { maxDocs: limits.maxDocs, maxBytes: limits.maxBytes, maxWaitMs: limits.maxWaitMs });
  // Settle every add before anything can throw, so no rejection is left unhandled.
  const settled = Promise.allSettled(ops.map((op) => buf.add(op)));
  await buf.flush().catch(() => undefined);
  const results: BulkItemResult[] = [];
  for (const s of await settled) {
    if (s.status === 'fulfilled') {
      results.push(s.value);
      continue;
    }
    // Transient (ES down, 429/5xx beyond the budget): the caller retries the batch. A refused
    // request (4xx, e.g. 413 too large) is permanent for the ops in it: report them as rejected
    // so they reach the DLQ instead of blocking the partition forever.
    if (!(s.reason instanceof EsRequestError)) throw s.reason;
    results.push({ ok: false, status: s.reason.status, type: s.reason.type, reason: s.reason.message });
  }
  for (const r of results) {
    if (!r.ok && isRetryableStatus(r.status)) throw new EsUnavailableError(`bulk item still refused: HTTP ${r.status} ${r.type}: ${r.reason}`, r.status);
  }
  return results;
}

/**
 * Makes the written documents searchable now. An explicit refresh of the touched indices instead of
 * `refresh=wait_for`: wait_for waits for the next scheduled refresh (up to 1 s per batch), which
 * capped a nominator at about two batches per second.
 */
export async function refreshIndices(store: Pick<EsStore, 'refresh'>, ops: readonly BulkOp[]): Promise<void> {
  for (const index of new Set(ops.map((o) => o.index))) await store.refresh(index);
}

/** `type: reason` of a rejected item, bounded for the DLQ. */
export function describeFailure(r: BulkItemResult): string {
  return r.ok ? '' : `${r.type}: ${r.reason}`.slice(0, 2000);
}
