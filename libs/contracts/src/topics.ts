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
