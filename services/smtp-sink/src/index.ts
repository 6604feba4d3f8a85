// Public surface of @spamtrap/smtp-sink: start a sink in-process (tests, e2e) and its config schema.
export { startSink, type RunningSink, type SinkDeps } from './sink.js';
export { sinkConfigSchema, sinkSettings, splitHostPort, type SinkConfig } from './config.js';
export type { SinkSettings } from './context.js';
export { RecipientPolicy, trapPatternProblem } from './recipient-policy.js';
