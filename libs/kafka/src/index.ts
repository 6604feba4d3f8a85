// Public surface of @spamtrap/kafka: config, the real adapter, the in-memory fake and the contract suite.
export * from './types.js';
export * from './config.js';
export * from './errors.js';
export { createKafkaHandle, type KafkaHandle } from './client.js';
export { createPublisher } from './publisher.js';
export { createTopicAdmin } from './admin.js';
export { pipelineTopicSpecs, type PipelineTopicOptions } from './topic-specs.js';
export { buildDlqRecord, readDlqHeaders, DLQ_ERROR_MAX_CHARS } from './dlq.js';
