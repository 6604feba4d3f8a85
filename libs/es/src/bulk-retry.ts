// Sends a bulk with bounded backoff: whole-request 429/5xx and per-item 429/503 are retried, nothing else.
import { EsUnavailableError } from './errors.js';
import { Backoff, sleep } from './retry.js';
import type { BulkItemResult, BulkOp, BulkWriteOptions, RetryPolicy } from './types.js';

/**
 * One attempt at `POST _bulk`: resolves with one result per op, or throws `EsUnavailableError`
 * (transient: retried here) or anything else (permanent: passed through).
 */
export type BulkSender = (ops: readonly BulkOp[], opts: BulkWriteOptions) => Promise<BulkItemResult[]>;

/**
 * Item statuses re-sent after backoff: 429 (es_rejected_execution: write queue full) and 503
 * (unavailable shards). 409 is an answer (a newer version won / the doc exists) and 400 is
 * permanent (mapping), so neither is retried; other 5xx items are returned to the caller.
 */
const RETRYABLE_ITEM_STATUS = new Set([429, 503]);

export async function bulkWithRetry(send: BulkSender, ops: readonly BulkOp[], opts: BulkWriteOptions, policy: RetryPolicy): Promise<BulkItemResult[]> {
  const results: BulkItemResult[] = new Array<BulkItemResult>(ops.length);
  if (ops.length === 0) return results;
  let pending = ops.map((_, i) => i);
  const backoff = new Backoff(policy);
  for (;;) {
    let answer: BulkItemResult[];
    try {
      answer = await send(
        pending.map((i) => ops[i]!),
        opts,
      );
    } catch (err) {
      if (!(err instanceof EsUnavailableError)) throw err;
      const delay = backoff.nextDelay();
      if (delay === null) {
        throw new EsUnavailableError(`bulk of ${pending.length} ops failed after ${backoff.attempts} attempts: ${err.message}`, err.status, undefined, { cause: err });
      }
      await sleep(delay);
      continue;
    }
    if (answer.length !== pending.length) {
      throw new EsUnavailableError(`bulk answered ${answer.length} items for ${pending.length} ops`);
    }
    const again: number[] = [];
    let lastStatus = 0;
    answer.forEach((res, k) => {
      const i = pending[k]!;
      results[i] = res;
      if (!res.ok && RETRYABLE_ITEM_STATUS.has(res.status)) {
        again.push(i);
        lastStatus = res.status;
      }
    });
    if (again.length === 0) return results;
    const delay = backoff.nextDelay();
    if (delay === null) {
      throw new EsUnavailableError(`${again.length} of ${ops.length} bulk items still rejected (${lastStatus}) after ${backoff.attempts} attempts`, lastStatus, results);
    }
    await sleep(delay);
    pending = again;
  }
}
