// Test helpers for @spamtrap/es: the contract suite and the 429-injecting proxy (imports node:test; tests only).
export { esContract, type EsContractHarness, type FlakyStore } from './contract.js';
export { startFaultProxy, type FaultProxy } from './fault-proxy.js';
