// The nominator's one configuration schema: topics, group, index prefix, redaction, probe-job policy, Kafka connection.
import { DEFAULT_TOPICS } from '@spamtrap/contracts';
import { bool, defineConfig, int, list, oneOf, str, type ConfigOf } from '@spamtrap/config';
import { checkIndexPrefix, DEFAULT_INDEX_PREFIX } from '@spamtrap/es-schema';
import { kafkaSettings } from '@spamtrap/kafka';
import { LOG_LEVELS } from '@spamtrap/logging';

export const nominatorSettings = {
  ...kafkaSettings,
  verdictsTopic: str({ env: 'NOMINATOR_VERDICTS_TOPIC', doc: 'Topic of verdict records', default: DEFAULT_TOPICS.verdicts }),
  sessionsTopic: str({ env: 'NOMINATOR_SESSIONS_TOPIC', doc: 'Topic of session evidence (no message), indexed as event.dataset spamtrap.session', default: DEFAULT_TOPICS.sessions }),
  consumeSessions: bool({ env: 'NOMINATOR_CONSUME_SESSIONS', doc: 'Also index spamtrap.sessions (second consumer, group <group>-sessions)', default: true }),
  dlqTopic: str({ env: 'NOMINATOR_DLQ_TOPIC', doc: 'Topic for records that cannot be indexed', default: DEFAULT_TOPICS.dlq }),
  groupId: str({ env: 'NOMINATOR_GROUP_ID', doc: 'Consumer group shared by all nominator instances', default: 'spamtrap-nominator' }),
  indexPrefix: str({
    env: 'ES_INDEX_PREFIX',
    doc: 'Index name prefix: <prefix>-evidence-YYYY.MM and <prefix>-nominations',
    default: DEFAULT_INDEX_PREFIX,
    pattern: /^[a-z0-9][a-z0-9._-]{0,99}$/,
    patternDoc: '1-100 chars of a-z 0-9 . _ -, starting with a letter or digit',
  }),
  shards: int({ env: 'ES_SHARDS', doc: 'Primary shards per index (templates)', default: 1, min: 1, max: 64 }),
  replicas: int({ env: 'ES_REPLICAS', doc: 'Replicas per index (templates): 0 on one node, 1+ on a cluster', default: 0, min: 0, max: 10 }),
  evidenceComponents: list({ env: 'ES_EVIDENCE_EXTRA_COMPONENTS', doc: 'Operator component templates added to the evidence template (e.g. spamtrap-evidence-ilm); must exist', default: [] }),
  nominationComponents: list({ env: 'ES_NOMINATIONS_EXTRA_COMPONENTS', doc: 'Operator component templates added to the nominations template; must exist', default: [] }),
  installTemplates: bool({ env: 'NOMINATOR_INSTALL_TEMPLATES', doc: 'Install index templates at start (idempotent)', default: true }),
  storeRaw: bool({ env: 'NOMINATOR_STORE_RAW', doc: 'Keep the raw message (base64) in spamtrap.restricted.raw', default: true }),
  redactionSecret: str({ env: 'SPAMTRAP_REDACTION_SECRET', doc: 'HMAC key for trap tokens (trap-<hex>); empty = plain sha256', default: '' }),
  trapDomains: list({ env: 'NOMINATOR_TRAP_DOMAINS', doc: 'Trap domains: every address at them is redacted outside spamtrap.restricted', default: [] }),
  maxBatch: int({ env: 'NOMINATOR_MAX_BATCH', doc: 'Records handed to the nominator at once', default: 500, min: 1, max: 5000 }),
  partitionsConcurrently: int({ env: 'NOMINATOR_PARTITIONS_CONCURRENTLY', doc: 'Partitions one instance works on at the same time', default: 1, min: 1, max: 64 }),
  bulkMaxBytes: int({ env: 'NOMINATOR_BULK_MAX_BYTES', doc: 'Largest bulk request body (bytes); a batch is split into several requests', default: 5 * 1024 * 1024, min: 64 * 1024, max: 90 * 1024 * 1024 }),
  bulkMaxDocs: int({ env: 'NOMINATOR_BULK_MAX_DOCS', doc: 'Most documents per bulk request', default: 500, min: 1, max: 10_000 }),
  bulkMaxWaitMs: int({ env: 'NOMINATOR_BULK_MAX_WAIT_MS', doc: 'Longest a partial bulk waits before it is sent (ms)', default: 200, min: 0, max: 60_000 }),
  probeEnabled: bool({ env: 'NOMINATOR_PROBE_JOBS', doc: 'Enqueue probe jobs for open-relay / open-proxy suspects', default: true }),
  probeCooldownSeconds: int({ env: 'PROBE_COOLDOWN_SECONDS', doc: 'One job per (kind, key) per window of this length (job id carries the window index)', default: 86_400, min: 60, max: 90 * 86_400 }),
  probeMaxEvidenceAgeSeconds: int({
    env: 'NOMINATOR_PROBE_MAX_EVIDENCE_AGE_SECONDS',
    doc: 'No probe job for evidence older than this (replays of old archives must not probe hosts again)',
    default: 7 * 86_400,
    min: 60,
    max: 3650 * 86_400,
  }),
  logLevel: oneOf({ env: 'LOG_LEVEL', doc: 'Log level', default: 'info', values: LOG_LEVELS }),
};

export const nominatorConfigSchema = defineConfig('nominator', nominatorSettings, [
  (c) => checkIndexPrefix(c.indexPrefix) === null ? null : `ES_INDEX_PREFIX: ${checkIndexPrefix(c.indexPrefix)}`,
  (c) => (c.verdictsTopic === c.dlqTopic || c.sessionsTopic === c.dlqTopic ? 'NOMINATOR_DLQ_TOPIC must differ from the input topics' : null),
  (c) => (c.saslMechanism !== 'none' && (c.saslUsername === '' || c.saslPassword === '') ? 'KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required when KAFKA_SASL_MECHANISM is set' : null),
]);

export type NominatorConfig = ConfigOf<typeof nominatorSettings>;

export function loadNominatorConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<NominatorConfig> = {}): NominatorConfig {
  return nominatorConfigSchema.load(env, overrides);
}
