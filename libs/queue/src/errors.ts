// Error classes producers branch on: transient (Redis down, rate limited) versus a bad job.

/** Redis is unreachable or too slow: retry later, commit nothing. */
export class QueueUnavailableError extends Error {
  override readonly name = 'QueueUnavailableError';
  readonly transient = true;
}

/** The enqueue rate limit did not free a slot within its wait bound: transient back-pressure. */
export class QueueRateLimitedError extends Error {
  override readonly name = 'QueueRateLimitedError';
  readonly transient = true;
}

/** The job id or the job data breaks the contract: permanent, DLQ the record. */
export class InvalidProbeJobError extends Error {
  override readonly name = 'InvalidProbeJobError';
  readonly transient = false;
}
