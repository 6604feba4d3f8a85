// Rules as data: how much each reason code supports each evidence class (noisy-OR combined).
import type { Reason } from '@spamtrap/contracts';
import { DYNAMIC_TOKENS } from './rdns-rules.js';

export type ScoredClass = 'open_relay_suspect' | 'open_proxy_suspect' | 'direct_bot' | 'dynamic_ip';

type Weights = Partial<Record<ScoredClass, number>>;

/**
 * Support per reason code. Numbers are judgement calls from domain.md §4–5 and the architecture's
 * §5 table, not measured rates; docs/verdicts.md lists them. Codes not here carry no weight.
 */
export const REASON_WEIGHTS: Readonly<Record<string, Weights>> = {
  HTTP_BEFORE_HELO: { open_proxy_suspect: 0.85 },
  EARLY_TALKER: { direct_bot: 0.6 },
  PIPELINING_VIOLATION: { direct_bot: 0.3 },
  BARE_LF: { direct_bot: 0.15 },
  // A real MTA never sends AUTH to an MX that did not offer it; credential-stuffing spamware tries it first.
  AUTH_WITHOUT_OFFER: { direct_bot: 0.45 },
  THIRD_PARTY_HANDOFF: { open_relay_suspect: 0.65 },
  CONNECTING_HOST_HEADER: { open_relay_suspect: 0.1 },
  NO_HEADER_FROM_CONNECTING_HOST: { open_proxy_suspect: 0.15, direct_bot: 0.15 },
  HELO_FORGED_AS_TRAP_DOMAIN: { open_proxy_suspect: 0.45, direct_bot: 0.45 },
  HELO_IP_LITERAL_MISMATCH: { open_proxy_suspect: 0.5, direct_bot: 0.3 },
  HELO_IP_LITERAL: { direct_bot: 0.3 },
  HELO_LOCALHOST: { direct_bot: 0.6 },
  HELO_NETBIOS: { direct_bot: 0.55 },
  HELO_MISSING: { direct_bot: 0.3 },
  HELO_FORGED_BIG_PROVIDER: { open_proxy_suspect: 0.4, direct_bot: 0.4 },
  HELO_DYNAMIC_TOKEN: { direct_bot: 0.35, dynamic_ip: 0.2 },
  HELO_EMBEDS_IP: { direct_bot: 0.35, dynamic_ip: 0.2 },
  HELO_NO_ADDRESS: { direct_bot: 0.15, open_proxy_suspect: 0.1 },
  HELO_ADDRESS_MISMATCH: { direct_bot: 0.1, open_proxy_suspect: 0.1 },
  HELO_CONFIRMS_IP: { open_relay_suspect: 0.15 },
  RDNS_DYNAMIC_TOKEN: { dynamic_ip: 0.6 },
  RDNS_EMBEDS_IP: { dynamic_ip: 0.5 },
  RDNS_DDNS_NAME: { dynamic_ip: 0.3 },
  CHAIN_FORGED_OWN_HEADER: { open_proxy_suspect: 0.35, direct_bot: 0.35 },
  CHAIN_DATE_ANOMALY: { open_proxy_suspect: 0.1, direct_bot: 0.1 },
  NO_PTR: { dynamic_ip: 0.15, direct_bot: 0.15 },
  FCRDNS_FAIL: { direct_bot: 0.15 },
  FCRDNS_PASS: { open_relay_suspect: 0.1 },
};

/** Reasons that show bot behaviour by themselves (not just a consumer-looking address). */
export const BOT_BEHAVIOUR = new Set(['EARLY_TALKER', 'PIPELINING_VIOLATION', 'AUTH_WITHOUT_OFFER', 'HELO_LOCALHOST', 'HELO_NETBIOS', 'HELO_IP_LITERAL', 'HELO_IP_LITERAL_MISMATCH', 'HELO_FORGED_AS_TRAP_DOMAIN', 'HELO_FORGED_BIG_PROVIDER', 'HELO_MISSING']);

/** Class-defining reasons: without one of these, the class cannot win. */
export const REQUIRED_FOR: Readonly<Record<ScoredClass, ReadonlySet<string>>> = {
  open_relay_suspect: new Set(['THIRD_PARTY_HANDOFF']),
  open_proxy_suspect: new Set(['HTTP_BEFORE_HELO', 'HELO_FORGED_AS_TRAP_DOMAIN', 'HELO_IP_LITERAL_MISMATCH', 'HELO_FORGED_BIG_PROVIDER']),
  direct_bot: BOT_BEHAVIOUR,
  dynamic_ip: new Set(['RDNS_DYNAMIC_TOKEN', 'RDNS_EMBEDS_IP', 'RDNS_DDNS_NAME']),
};

/** Weight of one reason for one class, adjusted by its facts (partial embedded IP counts half). */
export function weightOf(r: Reason, cls: ScoredClass): number {
  const w = REASON_WEIGHTS[r.code]?.[cls] ?? 0;
  if (w === 0) return 0;
  if ((r.code === 'RDNS_EMBEDS_IP' || r.code === 'HELO_EMBEDS_IP') && r.detail?.['octets'] === 3) return w / 2;
  // A dynamic token carries its own weight (generic words such as `node` or `client` weigh less).
  if (r.code === 'RDNS_DYNAMIC_TOKEN') {
    const token = r.detail?.['token'];
    const tw = typeof token === 'string' ? DYNAMIC_TOKENS[token] : undefined;
    if (tw !== undefined) return tw;
  }
  return w;
}
