// The real ProbeQueue on BullMQ 6: deterministic job ids, cool-down retention, fail-fast producer, rate limit.
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { queueConfigSchema, type QueueConfig } from './config.js';
import { producerConnection } from './connection.js';
import { InvalidProbeJobError, QueueUnavailableError } from './errors.js';
import { TokenBucket } from './rate-limit.js';
import type { Clock, EnqueueResult, JobState, ProbeJob, ProbeQueue, QueueCounts, QueuedJob } from './types.js';
import { checkJobId, checkProbeJob } from './validate.js';

/** BullMQ job name for every probe job. */
export const PROBE_JOB_NAME = 'probe';

export interface BullProbeQueueOptions {
  /** Clock for the rate limiter (tests). */
  clock?: Clock;
}

function unavailable(err: unknown, what: string): Error {
  if (err instanceof InvalidProbeJobError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return new QueueUnavailableError(`probe queue: ${what} failed, Redis unavailable: ${msg}`, { cause: err });
}

/**
 * `enqueue` flow: validate -> take a rate-limit token -> `queue.add` with the custom job id
 * (BullMQ ignores an add whose id exists) -> tell added from duplicate by the stored job's
 * timestamp (ours or an older one) -> refund the token for a duplicate.
 */
export async function createBullProbeQueue(cfg: QueueConfig = queueConfigSchema.load(), opts: BullProbeQueueOptions = {}): Promise<ProbeQueue> {
  const conn: Redis = producerConnection(cfg.redisUrl, cfg.commandTimeoutMs);
  try {
    await conn.connect();
  } catch (err) {
    conn.disconnect();
    throw unavailable(err, 'connect');
  }
  // ioredis logs unhandled 'error' events loudly; failures surface through the commands instead.
  conn.on('error', () => undefined);
  const retention = { age: cfg.cooldownSeconds };
  const queue = new Queue<ProbeJob, unknown, string>(cfg.queueName, {
    connection: conn,
    prefix: cfg.prefix,
    defaultJobOptions: {
      attempts: cfg.attempts,
      backoff: { type: 'exponential', delay: 30_000 },
      // Kept for the cool-down window: while the job exists, its id deduplicates. BullMQ removes
      // old jobs lazily (when later jobs finish), so the window is "at least" cooldownSeconds.
      removeOnComplete: retention,
      removeOnFail: retention,
    },
  });
  queue.on('error', () => undefined);
  const bucket = new TokenBucket({ ratePerSec: cfg.enqueueRatePerSec, burst: cfg.enqueueBurst, maxWaitMs: cfg.enqueueMaxWaitMs, ...(opts.clock ? { clock: opts.clock } : {}) });

  return {
    async enqueue(job, o): Promise<EnqueueResult> {
      const jobId = checkJobId(o?.jobId);
      const data = checkProbeJob(job);
      await bucket.acquire();
      const timestamp = Date.now();
      try {
        await queue.add(PROBE_JOB_NAME, data, { jobId, timestamp });
        const stored = await conn.hget(queue.toKey(jobId), 'timestamp');
        // Same-millisecond racing producers would both see "added"; only the status is affected, never the job count.
        if (stored !== null && Number(stored) !== timestamp) {
          bucket.refund();
          return 'duplicate';
        }
        return 'added';
      } catch (err) {
        bucket.refund();
        throw unavailable(err, 'enqueue');
      }
    },

    async counts(): Promise<QueueCounts> {
      try {
        const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed');
        return { waiting: c['waiting'] ?? 0, active: c['active'] ?? 0, delayed: c['delayed'] ?? 0, prioritized: c['prioritized'] ?? 0, completed: c['completed'] ?? 0, failed: c['failed'] ?? 0 };
      } catch (err) {
        throw unavailable(err, 'counts');
      }
    },

    async getJob(id): Promise<QueuedJob | null> {
      try {
        const j = await queue.getJob(checkJobId(id));
        if (!j?.id) return null;
        const state: JobState = await j.getState();
        return { id: j.id, data: j.data, state, attemptsMade: j.attemptsMade };
      } catch (err) {
        throw unavailable(err, 'getJob');
      }
    },

    async health() {
      try {
        const pong = await conn.ping();
        return pong === 'PONG' ? { ok: true } : { ok: false, detail: `PING answered ${String(pong)}` };
      } catch (err) {
        return { ok: false, detail: err instanceof Error ? err.message : String(err) };
      }
    },

    async obliterate() {
      try {
        await queue.obliterate({ force: true });
      } catch (err) {
        throw unavailable(err, 'obliterate');
      }
    },

    async close() {
      await queue.close().catch(() => undefined);
      conn.disconnect();
    },
  };
}
