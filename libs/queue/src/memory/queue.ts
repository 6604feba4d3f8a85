// In-memory ProbeQueue for unit tests: same job-id dedup, cool-down retention, validation and rate limit.
import { InvalidProbeJobError, QueueUnavailableError } from '../errors.js';
import { TokenBucket, systemClock } from '../rate-limit.js';
import type { Clock, EnqueueResult, ProbeHandler, ProbeJob, ProbeQueue, QueueCounts, QueuedJob } from '../types.js';
import { checkJobId, checkProbeJob } from '../validate.js';

type Entry = { id: string; data: ProbeJob; state: 'waiting' | 'active' | 'completed' | 'failed'; attemptsMade: number; finishedAt?: number };

export interface MemoryProbeQueueOptions {
  cooldownSeconds?: number;
  ratePerSec?: number;
  burst?: number;
  maxWaitMs?: number;
  /** Attempts before a job whose handler throws is failed (default 3, retried at once). */
  attempts?: number;
  clock?: Clock;
}

/**
 * Limits: one process only; no delays/backoff between attempts; retention is exact (a finished
 * job disappears once cooldownSeconds have passed on the clock), where BullMQ removes lazily.
 */
export class MemoryProbeQueue implements ProbeQueue {
  private readonly jobs = new Map<string, Entry>();
  private readonly bucket: TokenBucket;
  private readonly clock: Clock;
  private readonly cooldownMs: number;
  private readonly attempts: number;
  private closed = false;
  /** Set true to make every call fail like a Redis outage. */
  down = false;

  constructor(o: MemoryProbeQueueOptions = {}) {
    this.clock = o.clock ?? systemClock;
    this.cooldownMs = (o.cooldownSeconds ?? 86_400) * 1000;
    this.attempts = o.attempts ?? 3;
    this.bucket = new TokenBucket({ ratePerSec: o.ratePerSec ?? 50, burst: o.burst ?? 100, maxWaitMs: o.maxWaitMs ?? 5_000, clock: this.clock });
  }

  private check(what: string): void {
    if (this.closed || this.down) throw new QueueUnavailableError(`probe queue: ${what} failed, memory queue ${this.closed ? 'closed' : 'down'}`);
  }

  private expire(): void {
    const now = this.clock.now();
    for (const [id, e] of this.jobs) if (e.finishedAt !== undefined && now - e.finishedAt > this.cooldownMs) this.jobs.delete(id);
  }

  async enqueue(job: ProbeJob, opts: { jobId: string }): Promise<EnqueueResult> {
    const jobId = checkJobId(opts?.jobId);
    const data = checkProbeJob(job);
    this.check('enqueue');
    await this.bucket.acquire();
    this.expire();
    if (this.jobs.has(jobId)) {
      this.bucket.refund();
      return 'duplicate';
    }
    // Stored as JSON, like Redis: the worker sees a copy, not the producer's object.
    this.jobs.set(jobId, { id: jobId, data: JSON.parse(JSON.stringify(data)) as ProbeJob, state: 'waiting', attemptsMade: 0 });
    this.kick();
    return 'added';
  }

  counts(): Promise<QueueCounts> {
    this.check('counts');
    this.expire();
    const c: QueueCounts = { waiting: 0, active: 0, delayed: 0, prioritized: 0, completed: 0, failed: 0 };
    for (const e of this.jobs.values()) c[e.state] += 1;
    return Promise.resolve(c);
  }

  getJob(id: string): Promise<QueuedJob | null> {
    checkJobId(id);
    this.check('getJob');
    this.expire();
    const e = this.jobs.get(id);
    return Promise.resolve(e ? { id: e.id, data: structuredClone(e.data), state: e.state, attemptsMade: e.attemptsMade } : null);
  }

  health(): Promise<{ ok: boolean; detail?: string }> {
    return Promise.resolve(this.closed || this.down ? { ok: false, detail: 'memory queue down' } : { ok: true });
  }

  obliterate(): Promise<void> {
    this.jobs.clear();
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
    return Promise.resolve();
  }

  // ---- worker side -------------------------------------------------------------------------
  private readonly handlers = new Set<ProbeHandler>();
  private running = false;

  /** Consume jobs with `handler` (same validation as createProbeWorker); returns a closer. */
  startWorker(handler: ProbeHandler): { close(): Promise<void> } {
    this.handlers.add(handler);
    this.kick();
    return { close: () => Promise.resolve(void this.handlers.delete(handler)) };
  }

  private kick(): void {
    if (this.running || this.handlers.size === 0) return;
    this.running = true;
    setImmediate(() => {
      void this.drain().finally(() => {
        this.running = false;
      });
    });
  }

  private async drain(): Promise<void> {
    for (;;) {
      const handler = [...this.handlers][0];
      const next = [...this.jobs.values()].find((e) => e.state === 'waiting');
      if (!handler || !next) return;
      next.state = 'active';
      try {
        await handler(checkProbeJob(JSON.parse(JSON.stringify(next.data))), { id: next.id, attemptsMade: next.attemptsMade });
        next.state = 'completed';
        next.finishedAt = this.clock.now();
      } catch (err) {
        next.attemptsMade += 1;
        const permanent = err instanceof InvalidProbeJobError;
        if (permanent || next.attemptsMade >= this.attempts) {
          next.state = 'failed';
          next.finishedAt = this.clock.now();
        } else next.state = 'waiting';
      }
    }
  }
}
