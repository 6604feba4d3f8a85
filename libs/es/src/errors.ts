// Error classes callers branch on: transient (retry later, do not commit) versus a bad request.
import type { BulkItemResult } from './types.js';

/**
 * Elasticsearch could not take the request now: unreachable, timed out, or still answering
 * 429/5xx after the bounded retry budget. Transient: retry later; commit nothing.
 */
export class EsUnavailableError extends Error {
  override readonly name = 'EsUnavailableError';
  readonly transient = true;
  constructor(
    message: string,
    /** Last HTTP status seen, if any. */
    readonly status?: number,
    /** For a bulk whose items stayed rejected: the per-item results at the time of giving up. */
    readonly results?: BulkItemResult[],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Elasticsearch rejected the request itself (4xx other than 429): a bug or bad input, not transient. */
export class EsRequestError extends Error {
  override readonly name = 'EsRequestError';
  readonly transient = false;
  constructor(
    message: string,
    readonly status: number,
    /** Elasticsearch's error type, e.g. `illegal_argument_exception`. */
    readonly type: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** True for statuses worth retrying with backoff: 429 (back-pressure) and 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}
