// The enricher's one configuration schema: topics, group, DNS (servers, timeouts, concurrency, cache), policy lists, Kafka.
import { DEFAULT_TOPICS } from '@spamtrap/contracts';
import { bool, defineConfig, int, list, oneOf, str, type ConfigOf } from '@spamtrap/config';
import { CidrError, parseCidr } from '@spamtrap/ip';
import { kafkaSettings } from '@spamtrap/kafka';
import { LOG_LEVELS } from '@spamtrap/logging';

function cidrProblem(entry: string): string | null {
  try {
    parseCidr(entry);
    return null;
  } catch (err) {
    return err instanceof CidrError ? err.message : String(err);
  }
}

function serverProblem(s: string): string | null {
  return /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]|[0-9a-fA-F:]+)(:\d{1,5})?$/.test(s) ? null : 'expected an IP or IP:port ([v6]:port)';
}

function patternProblem(p: string): string | null {
  return /^(\*\.)?[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?$/.test(p) ? null : 'expected a host name or *.domain pattern';
}

function domainProblem(d: string): string | null {
  return /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?$/.test(d) ? null : 'expected a domain name';
}

export const enricherSettings = {
  ...kafkaSettings,
  inputTopic: str({ env: 'ENRICHER_INPUT_TOPIC', doc: 'Topic of parsed records', default: DEFAULT_TOPICS.parsed }),
  outputTopic: str({ env: 'ENRICHER_OUTPUT_TOPIC', doc: 'Topic verdicts are written to (keyed by evidence id)', default: DEFAULT_TOPICS.verdicts }),
  dlqTopic: str({ env: 'ENRICHER_DLQ_TOPIC', doc: 'Topic for records that cannot be decoded or judged', default: DEFAULT_TOPICS.dlq }),
  groupId: str({ env: 'ENRICHER_GROUP_ID', doc: 'Consumer group shared by all enricher instances', default: 'spamtrap-enricher' }),
  maxBatch: int({ env: 'ENRICHER_MAX_BATCH', doc: 'Records handed to the enricher at once (their DNS runs concurrently)', default: 200, min: 1, max: 5000 }),
  partitionsConcurrently: int({ env: 'ENRICHER_PARTITIONS_CONCURRENTLY', doc: 'Partitions one instance works on at the same time', default: 2, min: 1, max: 64 }),
  dnsEnabled: bool({ env: 'ENRICHER_DNS', doc: 'Look up PTR / forward / HELO in DNS (off: verdicts from headers and session only, DNS_SKIPPED)', default: true }),
  dnsServers: list({ env: 'ENRICHER_DNS_SERVERS', doc: 'Resolvers as IP or IP:port (127.0.0.1:5353); empty = system resolvers', default: [], item: serverProblem }),
  /** @defaultValue 1500: a healthy recursive resolver answers in tens of ms; 1.5 s per try catches a slow authoritative server. */
  dnsTimeoutMs: int({ env: 'ENRICHER_DNS_TIMEOUT_MS', doc: 'Per-try DNS timeout (ms)', default: 1500, min: 10, max: 30_000 }),
  dnsTries: int({ env: 'ENRICHER_DNS_TRIES', doc: 'Tries per DNS query', default: 2, min: 1, max: 5 }),
  /** @defaultValue 4000: bounds one message's DNS; a partition's batch is held at most this long by DNS. */
  dnsDeadlineMs: int({ env: 'ENRICHER_DNS_DEADLINE_MS', doc: 'Overall DNS deadline per message (ms)', default: 4000, min: 10, max: 60_000 }),
  dnsConcurrency: int({ env: 'ENRICHER_DNS_CONCURRENCY', doc: 'DNS queries in flight at once per instance', default: 64, min: 1, max: 4096 }),
  dnsMaxForwardNames: int({ env: 'ENRICHER_DNS_MAX_FORWARD_NAMES', doc: 'PTR names checked for forward confirmation', default: 3, min: 1, max: 10 }),
  cacheMaxEntries: int({ env: 'ENRICHER_DNS_CACHE_ENTRIES', doc: 'DNS cache size (entries; 0 disables)', default: 100_000, min: 0, max: 10_000_000 }),
  cacheMaxTtlMs: int({ env: 'ENRICHER_DNS_CACHE_MAX_TTL_MS', doc: 'Cap on a cached answer\'s TTL (ms)', default: 3_600_000, min: 0, max: 86_400_000 }),
  cacheNegativeTtlMs: int({ env: 'ENRICHER_DNS_CACHE_NEGATIVE_TTL_MS', doc: 'How long NXDOMAIN/NODATA is cached (ms)', default: 300_000, min: 0, max: 86_400_000 }),
  cacheFailureTtlMs: int({ env: 'ENRICHER_DNS_CACHE_FAILURE_TTL_MS', doc: 'How long a failure (SERVFAIL, timeout) is cached (ms); 0 = never', default: 5000, min: 0, max: 3_600_000 }),
  cacheDefaultTtlMs: int({ env: 'ENRICHER_DNS_CACHE_DEFAULT_TTL_MS', doc: 'TTL for answers whose TTL is not visible (PTR) (ms)', default: 600_000, min: 0, max: 86_400_000 }),
  ownNetworks: list({ env: 'ENRICHER_OWN_NETWORKS', doc: 'Our own networks (CIDRs): never nominated', default: [], item: cidrProblem }),
  allowCidrs: list({ env: 'ENRICHER_ALLOW_CIDRS', doc: 'Allow-listed networks (CIDRs): never nominated', default: [], item: cidrProblem }),
  allowProviders: list({ env: 'ENRICHER_ALLOW_PROVIDERS', doc: 'Allow-listed providers by forward-confirmed rDNS (*.google.com, ...); with DNS off or failing, nothing is nominated', default: [], item: patternProblem }),
  allowDnsZones: list({ env: 'ENRICHER_ALLOW_DNS_ZONES', doc: 'DNS allow-list zones (list.dnswl.org); a failed query, an error answer or DNS off means no nomination', default: [], item: domainProblem }),
  trapDomains: list({ env: 'ENRICHER_TRAP_DOMAINS', doc: 'Our trap domains (a HELO naming them is forged)', default: [], item: domainProblem }),
  ourHosts: list({ env: 'ENRICHER_OUR_HOSTS', doc: 'Our MX / receiving host names (a HELO naming them is forged)', default: [], item: domainProblem }),
  logLevel: oneOf({ env: 'LOG_LEVEL', doc: 'Log level', default: 'info', values: LOG_LEVELS }),
};

export const enricherConfigSchema = defineConfig('enricher', enricherSettings, [
  (c) => (c.inputTopic === c.outputTopic || c.inputTopic === c.dlqTopic ? 'ENRICHER_INPUT_TOPIC must differ from ENRICHER_OUTPUT_TOPIC and ENRICHER_DLQ_TOPIC' : null),
  (c) => (c.dnsDeadlineMs < c.dnsTimeoutMs ? 'ENRICHER_DNS_DEADLINE_MS must be at least ENRICHER_DNS_TIMEOUT_MS' : null),
  (c) => (c.saslMechanism !== 'none' && (c.saslUsername === '' || c.saslPassword === '') ? 'KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required when KAFKA_SASL_MECHANISM is set' : null),
]);

export type EnricherConfig = ConfigOf<typeof enricherSettings>;

export function loadEnricherConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<EnricherConfig> = {}): EnricherConfig {
  return enricherConfigSchema.load(env, overrides);
}
