// Sample trap mail for the demo and end-to-end tests: scenarios and a raw SMTP client that can misbehave.
export * from './scenarios.js';
export * from './raw-smtp-client.js';
