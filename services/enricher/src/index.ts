// Public surface of @spamtrap/enricher: the service, its config, enrich/explain, and the DNS layer.
export { startEnricher, dnsClientFrom, type EnricherDeps, type RunningEnricher } from './service.js';
export { loadEnricherConfig, enricherConfigSchema, enricherSettings, type EnricherConfig } from './config.js';
export { enrich, createEnrichHandler, contextFrom, policyFrom, ENRICH_FAILED, type EnrichContext } from './enrich.js';
export { explainVerdict, type ExplainOptions } from './explain.js';
export { createDnsClient, mapDnsError, MAX_PTR_NAMES, MAX_ADDRESSES, type DnsLookup, type DnsStats, type DnsClientOptions, type LookupResult } from './dns/resolver.js';
export { lookupDnsFacts, lookupDns, resolvableName, type FactsOptions, type DnsFactsResult } from './dns/facts.js';
export { lookupAllowlists, zoneQueryName, type AllowlistAnswers } from './dns/allowlist.js';
export { TtlCache } from './dns/cache.js';
export { Semaphore } from './dns/semaphore.js';
