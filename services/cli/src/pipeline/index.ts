// The pipeline supervisor and its profile, for tests and benchmarks that run the services as processes.
export * from './supervisor.js';
export * from './profile.js';
