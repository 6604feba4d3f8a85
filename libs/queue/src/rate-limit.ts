// Token bucket for enqueue rate: bounded waiting for a slot, refunds for duplicates, injectable clock.
import { QueueRateLimitedError } from './errors.js';
import type { Clock } from './types.js';

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface TokenBucketOptions {
  /** Sustained jobs per second. */
  ratePerSec: number;
  /** Bucket size: how many may go at once after a quiet period. */
  burst: number;
  /** Longest an enqueue waits for a slot before QueueRateLimitedError (ms). */
  maxWaitMs: number;
  clock?: Clock;
}

/**
 * Per-process limiter (BullMQ's own limiter throttles workers, not producers). With N producer
 * processes the total rate is N x ratePerSec. Waiters are served in call order.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly clock: Clock;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly o: TokenBucketOptions) {
    if (!(o.ratePerSec > 0) || !(o.burst >= 1) || !(o.maxWaitMs >= 0)) throw new RangeError('TokenBucket: ratePerSec > 0, burst >= 1, maxWaitMs >= 0');
    this.clock = o.clock ?? systemClock;
    this.tokens = o.burst;
    this.last = this.clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.o.burst, this.tokens + ((now - this.last) / 1000) * this.o.ratePerSec);
    this.last = now;
  }

  /** Takes one token, waiting at most maxWaitMs; rejects with QueueRateLimitedError otherwise. */
  acquire(): Promise<void> {
    const mine = this.queue.then(() => this.take());
    // Keep the chain alive whatever this waiter's outcome.
    this.queue = mine.catch(() => undefined);
    return mine;
  }

  private async take(): Promise<void> {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return;
    }
    const waitMs = Math.ceil(((1 - this.tokens) / this.o.ratePerSec) * 1000);
    if (waitMs > this.o.maxWaitMs) {
      throw new QueueRateLimitedError(`enqueue rate limit ${this.o.ratePerSec}/s reached: next slot in ${waitMs} ms, more than the ${this.o.maxWaitMs} ms wait bound`);
    }
    await this.clock.sleep(waitMs);
    this.refill();
    this.tokens = Math.max(0, this.tokens - 1);
  }

  /** Gives a token back (the enqueue turned out to be a duplicate and added no job). */
  refund(): void {
    this.tokens = Math.min(this.o.burst, this.tokens + 1);
  }
}

/** A clock whose sleep advances virtual time at once: rate-limit tests without real waiting. */
export class ManualClock implements Clock {
  constructor(private t = 0) {}
  now(): number {
    return this.t;
  }
  sleep(ms: number): Promise<void> {
    this.t += ms;
    return Promise.resolve();
  }
  advance(ms: number): void {
    this.t += ms;
  }
}
