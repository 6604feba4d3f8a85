// Public surface of @spamtrap/queue: the ProbeJob contract, the BullMQ producer and worker, and the in-memory fake.
export * from './types.js';
export * from './errors.js';
export { queueConfigSchema, type QueueConfig } from './config.js';
export { createBullProbeQueue, PROBE_JOB_NAME, type BullProbeQueueOptions } from './bullmq-queue.js';
export { createProbeWorker, type ProbeWorker, type ProbeWorkerOptions } from './worker.js';
export { checkJobId, checkProbeJob, probeJobId, MAX_JOB_ID_LENGTH, MAX_EVIDENCE_IDS, MAX_REASONS, MAX_TOKEN_LENGTH } from './validate.js';
export { TokenBucket, ManualClock, systemClock, type TokenBucketOptions } from './rate-limit.js';
export { MemoryProbeQueue, type MemoryProbeQueueOptions } from './memory/queue.js';
