// Public surface of @spamtrap/kafka: config, the real adapter, the in-memory fake and the contract suite.
export * from './types.js';
export * from './config.js';
export * from './errors.js';
export { createKafka, type SpamtrapKafka } from './kafka.js';
export { createKafkaHandle, type KafkaHandle } from './client.js';
export { createPublisher } from './publisher.js';
export { createTopicAdmin } from './admin.js';
export { pipelineTopicSpecs, type PipelineTopicOptions } from './topic-specs.js';
export { createStageConsumer } from './stage-consumer.js';
export { buildDlqRecord, readDlqHeaders, DLQ_ERROR_MAX_CHARS } from './dlq.js';
export { createMemoryKafka, type MemoryKafka } from './memory/memory-kafka.js';
export { MemoryBroker, MemoryKafkaError, BROKER_DEFAULT_MAX_MESSAGE_BYTES, type PublishFault } from './memory/broker.js';
export { DLQ_REASONS, BACKOFF_INITIAL_MS, BACKOFF_MAX_MS } from './stage-core.js';
export { DEFAULT_MAX_BATCH } from './stage-consumer.js';
export { ensureStageTopics } from './ensure-stage-topics.js';
