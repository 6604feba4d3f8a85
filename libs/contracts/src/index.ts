// Public surface of @spamtrap/contracts: the records that cross stage boundaries.
export * from './topics.js';
export * from './evidence-id.js';
export * from './hops.js';
export * from './raw.js';
export * from './parsed.js';
export * from './verdict.js';
export * from './dlq.js';
export * from './session.js';
export * from './codec.js';
