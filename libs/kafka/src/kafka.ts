// createKafka: the real KafkaAdapter (publisher, topic admin, stage consumers) from one config.
import { silentLogger, type Logger } from '@spamtrap/logging';
import { createTopicAdmin } from './admin.js';
import { createKafkaHandle, type KafkaHandle } from './client.js';
import type { KafkaConfig } from './config.js';
import { createPublisher } from './publisher.js';
import { createKafkaStageConsumer } from './stage-consumer.js';
import type { KafkaAdapter } from './types.js';

/** The real adapter; `client` is exposed for this package's tests and tools, not for services. */
export type SpamtrapKafka = KafkaAdapter & KafkaHandle;

export function createKafka(config: KafkaConfig, logger: Logger = silentLogger()): SpamtrapKafka {
  const handle = createKafkaHandle(config, logger);
  return {
    ...handle,
    createPublisher: (opts) => createPublisher(handle, opts),
    createAdmin: () => createTopicAdmin(handle),
    createStageConsumer: (publisher, opts) => createKafkaStageConsumer(handle, publisher, opts),
  };
}
