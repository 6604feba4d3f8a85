// Public surface of @spamtrap/cli (the dispatcher, for tests).
export { main } from './main.js';
export type { CommandIo, CommandSpec } from './command.js';
export { UsageError } from './command.js';
