// Default Kafka topic names shared by every stage; services may override them in config.

/** Default topic names. Tests use unique prefixes; production keeps these. */
export const DEFAULT_TOPICS = {
  /** One record per accepted message: exact bytes + session facts or import provenance. */
  raw: 'spamtrap.raw',
  /** One record per raw record: hop walk, relaying hop, MIME facts. */
  parsed: 'spamtrap.parsed',
  /** One record per parsed record: class, confidence, reasons, nominated IP or none. */
  verdicts: 'spamtrap.verdicts',
  /** SMTP sessions that are evidence without a message (HTTP to port 25, early talkers, ...). */
  sessions: 'spamtrap.sessions',
  /** Records a stage could not process, with reason, stage and source coordinates. */
  dlq: 'spamtrap.dlq',
} as const;

export type TopicRole = keyof typeof DEFAULT_TOPICS;
export type TopicNames = Record<TopicRole, string>;

/** Topic names with a prefix, e.g. `test-1234.spamtrap.raw`, for isolated test runs. */
export function prefixedTopics(prefix: string): TopicNames {
  const p = prefix === '' ? '' : `${prefix}.`;
  return {
    raw: p + DEFAULT_TOPICS.raw,
    parsed: p + DEFAULT_TOPICS.parsed,
    verdicts: p + DEFAULT_TOPICS.verdicts,
    sessions: p + DEFAULT_TOPICS.sessions,
    dlq: p + DEFAULT_TOPICS.dlq,
  };
}

/** Partitions per pipeline topic: enough for two instances of each stage to share the work. */
export const DEFAULT_TOPIC_PARTITIONS = 4;

/** Default maximum message size the sink accepts (Postfix's message_size_limit default). */
export const DEFAULT_MAX_MESSAGE_BYTES = 10_240_000;

/**
 * Broker-side `max.message.bytes` per topic role. raw holds the message plus a JSON facts header;
 * parsed and verdicts carry the message again as base64 (4/3 of its size) plus JSON facts.
 */
export const TOPIC_MAX_RECORD_BYTES: Record<TopicRole, number> = {
  raw: 16 * 1024 * 1024,
  parsed: 32 * 1024 * 1024,
  verdicts: 32 * 1024 * 1024,
  sessions: 1024 * 1024,
  dlq: 32 * 1024 * 1024,
};
