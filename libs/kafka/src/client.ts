// createKafka: one configured kafkajs client per process, with logs routed to pino and safe defaults.
import type { Kafka as KafkaClient, KafkaConfig as KafkaJsConfig, SASLOptions } from 'kafkajs';
import { Kafka } from './kafkajs.js';
import { silentLogger, type Logger } from '@spamtrap/logging';
import type { KafkaConfig } from './config.js';
import { kafkajsLevel, pinoLogCreator } from './logger-bridge.js';

/** What the publisher, admin and stage consumer need from the client: services pass it around opaquely. */
export interface KafkaHandle {
  readonly client: KafkaClient;
  readonly config: KafkaConfig;
  readonly logger: Logger;
}

function sasl(config: KafkaConfig): SASLOptions | undefined {
  if (config.saslMechanism === 'none') return undefined;
  return { mechanism: config.saslMechanism, username: config.saslUsername, password: config.saslPassword };
}

/** A kafkajs client from our config. Creating it opens no connection. */
export function createKafkaHandle(config: KafkaConfig, logger: Logger = silentLogger()): KafkaHandle {
  const opts: KafkaJsConfig = {
    clientId: config.clientId,
    brokers: config.brokers,
    connectionTimeout: config.connectionTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    ssl: config.ssl,
    logLevel: kafkajsLevel(logger),
    logCreator: pinoLogCreator(logger),
    // Connect/metadata retries: ~0.3 s doubling, 5 tries (about 10 s total) before an operation fails.
    retry: { initialRetryTime: 300, retries: 5, maxRetryTime: 5000 },
  };
  const s = sasl(config);
  if (s !== undefined) opts.sasl = s;
  return { client: new Kafka(opts), config, logger };
}
