// One chunk of a stage, shared by the kafkajs runner and the fake: handle, write outputs + DLQ durably, retry transient faults.
import type { Logger } from '@spamtrap/logging';
import { buildDlqRecord } from './dlq.js';
import { isRecordRejectedError } from './errors.js';
import type { BatchHandler, IncomingRecord, OutgoingRecord, RecordOutcome, RecordPublisher } from './types.js';

/** First retry after a transient failure; doubles per attempt up to BACKOFF_MAX_MS. */
export const BACKOFF_INITIAL_MS = 200;
/** Retries stay short (invariant 2): at most 5 s between attempts, so recovery is seen quickly. */
export const BACKOFF_MAX_MS = 5000;
/** Heartbeat while a handler runs: well under the 30 s session timeout and the 3 s heartbeat interval. */
export const HEARTBEAT_EVERY_MS = 1000;

/** Reasons this package itself writes into DLQ records. */
export const DLQ_REASONS = {
  /** The handler returned a different number of outcomes than inputs, or a malformed outcome. */
  handlerContract: 'HANDLER_CONTRACT',
  /** The broker refused the outputs made from this input (e.g. too large for the next topic). */
  outputRejected: 'OUTPUT_REJECTED',
} as const;

export interface ChunkContext {
  stage: string;
  dlqTopic: string;
  handler: BatchHandler;
  publisher: RecordPublisher;
  log: Logger;
  /** False once stopping or the partition was revoked: abandon the chunk without committing. */
  shouldContinue(): boolean;
  heartbeat(): Promise<void>;
  /** Waits `ms` or less when stopping. */
  sleep(ms: number): Promise<void>;
}

function isOutcome(o: unknown): o is RecordOutcome {
  if (typeof o !== 'object' || o === null) return false;
  const x = o as { kind?: unknown; outputs?: unknown; reason?: unknown };
  return (x.kind === 'ok' && Array.isArray(x.outputs)) || (x.kind === 'dlq' && typeof x.reason === 'string' && x.reason !== '');
}

async function runHandler(records: IncomingRecord[], ctx: ChunkContext): Promise<RecordOutcome[]> {
  const beat = setInterval(() => void ctx.heartbeat().catch(() => undefined), HEARTBEAT_EVERY_MS);
  let outcomes: unknown;
  try {
    outcomes = await Promise.resolve().then(() => ctx.handler(records));
  } finally {
    clearInterval(beat);
  }
  if (!Array.isArray(outcomes) || outcomes.length !== records.length || !outcomes.every(isOutcome)) {
    const got = Array.isArray(outcomes) ? `${outcomes.length} outcomes` : typeof outcomes;
    const error = `handler returned ${got} for ${records.length} records (or a malformed outcome)`;
    ctx.log.error({ stage: ctx.stage, error }, 'stage handler broke its contract; sending the chunk to the DLQ');
    return records.map(() => ({ kind: 'dlq', reason: DLQ_REASONS.handlerContract, error }));
  }
  return outcomes;
}

function writesFor(record: IncomingRecord, outcome: RecordOutcome, ctx: ChunkContext): OutgoingRecord[] {
  if (outcome.kind === 'ok') return outcome.outputs;
  return [buildDlqRecord(record, { reason: outcome.reason, error: outcome.error ?? null, evidenceId: outcome.evidenceId ?? null }, ctx.stage, ctx.dlqTopic)];
}

/**
 * The broker refused the chunk's writes as such (too large, ...): write per input, and an input
 * whose own outputs are refused goes to the DLQ instead. If even its DLQ record is refused, this
 * throws, so the chunk is retried rather than dropped.
 */
async function publishOneByOne(records: IncomingRecord[], outcomes: RecordOutcome[], ctx: ChunkContext): Promise<void> {
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const writes = writesFor(record, outcomes[i]!, ctx);
    if (writes.length === 0) continue;
    try {
      await ctx.publisher.publish(writes);
    } catch (err) {
      if (!isRecordRejectedError(err) || outcomes[i]!.kind !== 'ok') throw err;
      const error = err instanceof Error ? err.message : String(err);
      ctx.log.warn({ stage: ctx.stage, topic: record.topic, partition: record.partition, offset: record.offset, error }, 'outputs refused by Kafka; sending the input to the DLQ');
      outcomes[i] = { kind: 'dlq', reason: DLQ_REASONS.outputRejected, error };
      await ctx.publisher.publish(writesFor(record, outcomes[i]!, ctx));
    }
  }
}

/**
 * Processes one chunk until its outputs and DLQ records are acknowledged (returns true: the caller
 * commits) or until the context says stop (returns false: nothing may be committed). A throwing
 * handler or a failed publish is transient: back off 200 ms → 5 s and try again; outcomes already
 * computed are reused so a write failure does not re-run the handler.
 */
export async function processChunk(records: IncomingRecord[], ctx: ChunkContext): Promise<boolean> {
  let outcomes: RecordOutcome[] | null = null;
  for (let attempt = 0; ; attempt++) {
    if (!ctx.shouldContinue()) return false;
    try {
      outcomes ??= await runHandler(records, ctx);
      const writes = records.flatMap((r, i) => writesFor(r, outcomes![i]!, ctx));
      if (writes.length > 0) {
        try {
          await ctx.publisher.publish(writes);
        } catch (err) {
          if (!isRecordRejectedError(err)) throw err;
          await publishOneByOne(records, outcomes, ctx);
        }
      }
      return true;
    } catch (err) {
      const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_INITIAL_MS * 2 ** Math.min(attempt, 10));
      const first = records[0]!;
      ctx.log.warn(
        { err, stage: ctx.stage, topic: first.topic, partition: first.partition, fromOffset: first.offset, records: records.length, attempt: attempt + 1, retryInMs: delay },
        outcomes === null ? 'stage handler failed (transient); retrying the chunk' : 'writing stage outputs failed; retrying',
      );
      await ctx.sleep(delay);
      await ctx.heartbeat().catch(() => undefined);
    }
  }
}

/** A sleep that ends early when `signal` aborts (stop()). */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}
