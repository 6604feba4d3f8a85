// Bounded exponential backoff with jitter, shared by the real adapter and the fake so both retry alike.
import type { RetryPolicy } from './types.js';

export const DEFAULT_RETRY: RetryPolicy = { initialDelayMs: 200, maxDelayMs: 5_000, maxTotalMs: 10_000 };

/** Wait before retry number `attempt` (1-based): initial * 2^(attempt-1), capped, with +-25% jitter. */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  const jitter = base * 0.25 * (Math.random() * 2 - 1);
  return Math.max(0, Math.round(base + jitter));
}

/** Tracks the time budget; `nextDelay()` returns null once waiting again would exceed maxTotalMs. */
export class Backoff {
  private attempt = 0;
  private readonly started = Date.now();
  constructor(private readonly policy: RetryPolicy) {}

  nextDelay(): number | null {
    this.attempt += 1;
    const delay = backoffDelay(this.policy, this.attempt);
    if (Date.now() - this.started + delay > this.policy.maxTotalMs) return null;
    return delay;
  }

  get attempts(): number {
    return this.attempt;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
