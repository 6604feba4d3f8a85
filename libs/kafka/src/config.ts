// Kafka connection settings shared by every service: one schema, env overrides, defaults for the local stack.
import { bool, defineConfig, hostPorts, int, oneOf, str, type ConfigOf } from '@spamtrap/config';

/**
 * The settings themselves, so a service can spread them into its own `defineConfig` schema
 * (`defineConfig('parser', { ...kafkaSettings, ... })`) and get one schema per service.
 */
export const kafkaSettings = {
  brokers: hostPorts({ env: 'KAFKA_BROKERS', doc: 'Kafka bootstrap brokers, host:port, comma-separated', default: ['127.0.0.1:9092'] }),
  clientId: str({ env: 'KAFKA_CLIENT_ID', doc: 'Kafka client id (shows up in broker logs and quotas)', default: 'spamtrap' }),
  /** @defaultValue 5000: kafkajs' 1000 ms default times out on a loaded 2-core box. */
  connectionTimeoutMs: int({ env: 'KAFKA_CONNECTION_TIMEOUT_MS', doc: 'TCP connect timeout per broker (ms)', default: 5000, min: 100, max: 120_000 }),
  /** @defaultValue 30000: the broker answers acks=all produce requests only after the ISR wrote them. */
  requestTimeoutMs: int({ env: 'KAFKA_REQUEST_TIMEOUT_MS', doc: 'Per-request timeout (ms)', default: 30_000, min: 1000, max: 300_000 }),
  /** @defaultValue 10000: the sink must answer within the SMTP DATA timeout; it says 451 after this. */
  publishTimeoutMs: int({ env: 'KAFKA_PUBLISH_TIMEOUT_MS', doc: 'Default bound on one publish() call (ms)', default: 10_000, min: 100, max: 600_000 }),
  /** @defaultValue 5: long enough to coalesce concurrent SMTP sessions, short against the 250 latency. */
  lingerMs: int({ env: 'KAFKA_PUBLISH_LINGER_MS', doc: 'How long the publisher waits to coalesce concurrent publishes (ms)', default: 5, min: 0, max: 1000 }),
  maxBatchRecords: int({ env: 'KAFKA_PUBLISH_MAX_BATCH_RECORDS', doc: 'Max records per coalesced produce request', default: 1000, min: 1, max: 100_000 }),
  /**
   * @defaultValue 900000: records for one partition travel as one record batch, and the broker checks a
   * whole batch against `max.message.bytes`; 900 KB stays under the broker default of 1 MiB even for a
   * topic we did not create. A single larger publish() still goes alone.
   */
  maxBatchBytes: int({ env: 'KAFKA_PUBLISH_MAX_BATCH_BYTES', doc: 'Max bytes per coalesced produce request', default: 900_000, min: 1024, max: 64 * 1024 * 1024 }),
  /** @defaultValue 5: bounded so a send fails (and the caller sees 451) instead of retrying forever. */
  producerRetries: int({ env: 'KAFKA_PRODUCER_RETRIES', doc: 'Client-side retries of one produce request', default: 5, min: 1, max: 50 }),
  /**
   * @defaultValue 30000: a consumer silent for this long is dropped from its group. The stage runner
   * heartbeats while a handler works, so a slow handler does not trip it; a dead process does.
   */
  sessionTimeoutMs: int({ env: 'KAFKA_SESSION_TIMEOUT_MS', doc: 'Consumer group session timeout (ms); the broker allows 6000..300000 by default', default: 30_000, min: 6000, max: 300_000 }),
  ssl: bool({ env: 'KAFKA_SSL', doc: 'Use TLS to the brokers', default: false }),
  saslMechanism: oneOf({ env: 'KAFKA_SASL_MECHANISM', doc: 'SASL mechanism, or none', default: 'none', values: ['none', 'plain', 'scram-sha-256', 'scram-sha-512'] as const }),
  saslUsername: str({ env: 'KAFKA_SASL_USERNAME', doc: 'SASL user name', default: '' }),
  saslPassword: str({ env: 'KAFKA_SASL_PASSWORD', doc: 'SASL password', default: '' }),
};

export type KafkaConfig = ConfigOf<typeof kafkaSettings>;

/** Standalone schema (CLI, tests, benchmarks). */
export const kafkaConfigSchema = defineConfig('kafka', kafkaSettings, [
  (c) => (c.saslMechanism !== 'none' && (c.saslUsername === '' || c.saslPassword === '') ? 'KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required when KAFKA_SASL_MECHANISM is set' : null),
]);

/** Config from the environment with optional overrides (tests point `brokers` elsewhere). */
export function loadKafkaConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<KafkaConfig> = {}): KafkaConfig {
  return kafkaConfigSchema.load(env, overrides);
}
