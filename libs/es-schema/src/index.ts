// Public surface of @spamtrap/es-schema: index names, templates and pure document builders.
export * from './limits.js';
export * from './names.js';
export * from './bound.js';
export * from './ip-check.js';
export * from './redact.js';
export * from './mapping-types.js';
export * from './templates.js';
export * from './evidence-doc.js';
export * from './session-doc.js';
export * from './nomination.js';
