// Public surface of @spamtrap/nominator (for tests and the e2e suite).
export * from './config.js';
export * from './service.js';
export * from './handle-batch.js';
export * from './handle-sessions.js';
export * from './probe-jobs.js';
export * from './views.js';
