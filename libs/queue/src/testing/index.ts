// Test helpers for @spamtrap/queue: the contract suite (imports node:test; tests only).
export { queueContract, type QueueContractHarness, type QueueLimits } from './contract.js';
