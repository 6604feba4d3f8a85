// spamtrap.dlq: what a stage could not process, with why and where it came from.

export interface DlqRecord {
  v: 1;
  /** Machine-readable reason, e.g. DECODE_FAILED, CONTRACT_VIOLATION, ES_REJECTED. */
  reason: string;
  /** Human-readable error message, bounded. */
  error: string | null;
  /** Stage that gave up: smtp-sink, parser, enricher, nominator, import. */
  stage: string;
  sourceTopic: string;
  partition: number;
  offset: string;
  /** Evidence id when it could be read. */
  evidenceId: string | null;
  at: string;
}

/** Kafka headers a DLQ record carries besides the JSON value (the original value is kept as-is). */
export const DLQ_HEADERS = {
  reason: 'spamtrap-dlq-reason',
  stage: 'spamtrap-dlq-stage',
  sourceTopic: 'spamtrap-dlq-source-topic',
  partition: 'spamtrap-dlq-partition',
  offset: 'spamtrap-dlq-offset',
  info: 'spamtrap-dlq-info',
} as const;
