// Error classes callers can tell apart: a publish that timed out or was refused because the publisher closed.

/** publish() did not get an acknowledgement within its time bound (Kafka slow or unreachable). */
export class PublishTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`Kafka did not acknowledge the publish within ${timeoutMs} ms`);
    this.name = 'PublishTimeoutError';
  }
}

/** publish() after close() started. */
export class PublisherClosedError extends Error {
  constructor() {
    super('publisher is closed');
    this.name = 'PublisherClosedError';
  }
}

/**
 * Broker refusals caused by particular records rather than by the cluster's state (kafkajs
 * protocol error types; the in-memory fake uses the same names). Retrying them cannot help.
 */
export const RECORD_REJECTED_ERROR_TYPES: ReadonlySet<string> = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'TOPIC_AUTHORIZATION_FAILED',
]);

/** True when `err` (kafkajs or fake) is a refusal of the records themselves. */
export function isRecordRejectedError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const type = (err as { type?: unknown }).type;
  return typeof type === 'string' && RECORD_REJECTED_ERROR_TYPES.has(type);
}
