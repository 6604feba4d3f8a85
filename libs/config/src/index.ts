// Public surface of @spamtrap/config.
export * from './settings.js';
export * from './load.js';
