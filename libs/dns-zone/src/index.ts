// Public surface of @spamtrap/dns-zone.
export * from './server.js';
