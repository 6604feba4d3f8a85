// The operator's policy for verdicts and nominations: own networks, allow-lists, trap domains, our hosts; compiled once.
import { CidrSet } from '@spamtrap/ip';
import { compileHostPatterns, normName } from './names.js';

export interface PolicyConfig {
  /** Our own networks (CIDRs or addresses): never nominated. */
  ownNetworks: readonly string[];
  /** Allow-listed networks (CIDRs or addresses): never nominated, class allowlisted_provider. */
  allowCidrs: readonly string[];
  /**
   * Allow-listed providers by forward-confirmed rDNS name: `*.google.com`, `mail.example.net`.
   * Only a forward-confirmed name counts (anyone can write any PTR for their own address).
   */
  allowProviderPatterns: readonly string[];
  /** Our trap domains: a HELO naming them is forged. */
  trapDomains: readonly string[];
  /** Our MX / receiving host names: a HELO naming them is forged. */
  ourHosts: readonly string[];
  /**
   * DNS allow-lists (DNSWL-style zones: `list.dnswl.org`) the enricher queries for the peer. Listed
   * -> allow-listed; a failed query, an error answer, or DNS off -> fail closed.
   */
  allowDnsZones?: readonly string[];
  /** Big mail providers whose names spamware likes to HELO with; defaults to BIG_PROVIDER_DOMAINS. */
  bigProviderDomains?: readonly string[];
}

/** Registrable domains of large mailbox providers, forged in HELO by spamware (domain.md §5). */
export const BIG_PROVIDER_DOMAINS: readonly string[] = [
  'gmail.com', 'google.com', 'googlemail.com', 'yahoo.com', 'yahoo.co.jp', 'hotmail.com', 'outlook.com', 'live.com', 'msn.com',
  'microsoft.com', 'aol.com', 'icloud.com', 'me.com', 'apple.com', 'mail.ru', 'yandex.ru', 'yandex.com', 'qq.com', '163.com',
  '126.com', 'gmx.net', 'gmx.de', 'web.de', 'amazon.com', 'amazonses.com', 'facebook.com', 'protonmail.com', 'proton.me', 'zoho.com',
];

export interface CompiledPolicy {
  readonly config: PolicyConfig;
  readonly own: CidrSet;
  readonly allow: CidrSet;
  /** Returns the matching provider pattern or null. */
  readonly providerPattern: (name: string) => string | null;
  readonly hasProviderPatterns: boolean;
  readonly allowDnsZones: readonly string[];
  readonly trapDomains: readonly string[];
  readonly ourHosts: ReadonlySet<string>;
  readonly bigProviders: ReadonlySet<string>;
}

const compiled = new WeakMap<PolicyConfig, CompiledPolicy>();

/** Compile a policy (CIDR sets, patterns). Throws CidrError on a bad network. Cached per config object. */
export function compilePolicy(config: PolicyConfig): CompiledPolicy {
  const hit = compiled.get(config);
  if (hit !== undefined) return hit;
  const c: CompiledPolicy = {
    config,
    own: new CidrSet(config.ownNetworks),
    allow: new CidrSet(config.allowCidrs),
    providerPattern: compileHostPatterns(config.allowProviderPatterns),
    hasProviderPatterns: config.allowProviderPatterns.length > 0,
    allowDnsZones: (config.allowDnsZones ?? []).map(normName),
    trapDomains: config.trapDomains.map(normName),
    ourHosts: new Set(config.ourHosts.map(normName)),
    bigProviders: new Set((config.bigProviderDomains ?? BIG_PROVIDER_DOMAINS).map(normName)),
  };
  compiled.set(config, c);
  return c;
}

/** An empty policy (no own networks, no allow-list): for tests and offline explain. */
export const EMPTY_POLICY: PolicyConfig = { ownNetworks: [], allowCidrs: [], allowProviderPatterns: [], trapDomains: [], ourHosts: [] };
