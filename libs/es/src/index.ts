// Public surface of @spamtrap/es: the EsStore contract, the real adapter, BulkBuffer, and the in-memory fake.
export * from './types.js';
export * from './errors.js';
export { esConfigSchema, type EsConfig } from './config.js';
export { createEsClient } from './client.js';
export { createEsStore, type EsStoreOptions } from './es-store.js';
export { BulkBuffer, type BulkBufferOptions } from './bulk-buffer.js';
export { DEFAULT_RETRY } from './retry.js';
export { MemoryEsStore } from './memory/store.js';
export { MemoryCluster, type FailurePlan } from './memory/cluster.js';
export { UnsupportedQueryError } from './memory/query.js';
export { isVersionConflict } from './results.js';
