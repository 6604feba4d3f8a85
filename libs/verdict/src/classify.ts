// The classifier: parsed record + DNS facts + policy -> class, confidence, reasons and the (safety-checked) nomination.
import type { DnsFacts, Nomination, ParsedRecord, Reason, VerdictClass } from '@spamtrap/contracts';
import { parseIp } from '@spamtrap/ip';
import { backscatterReasons, chainReasons, dnsReasons, headerReasons, sessionReasons } from './evidence.js';
import { heloReasons } from './helo.js';
import { compilePolicy, type CompiledPolicy, type PolicyConfig } from './policy.js';
import { assessName, nameReasons } from './rdns.js';
import { checkAllowlist, decideNomination, type DnsAllowlistHit } from './safety.js';
import { REQUIRED_FOR, weightOf, type ScoredClass } from './weights.js';

export interface ClassifyInput {
  parsed: ParsedRecord;
  dns: DnsFacts | null;
  policy: PolicyConfig | CompiledPolicy;
  /** DNS allow-lists that list the peer (queried by the enricher; failures are in `dns.errors['allowlist:<zone>']`). */
  dnsAllowlistHits?: readonly DnsAllowlistHit[];
}

export interface Classification {
  class: VerdictClass;
  confidence: number;
  reasons: Reason[];
  nomination: Nomination | null;
}

/** Below this combined support no evidence class is claimed: the verdict stays `unknown`. */
const MIN_SUPPORT = 0.3;
/** Confidence factor when a DNS lookup failed: the rDNS/HELO evidence is incomplete. */
const DNS_UNAVAILABLE_FACTOR = 0.7;
/** A static/mail-server hint in the same rDNS name halves the dynamic-address support (owner-set, so fakeable). */
const STATIC_HINT_FACTOR = 0.5;
/** Confidence cap: a verdict from passive evidence is a hypothesis (a probe confirms relays/proxies). */
const MAX_CONFIDENCE = 0.99;

const SCORED: readonly ScoredClass[] = ['open_proxy_suspect', 'open_relay_suspect', 'direct_bot', 'dynamic_ip'];

function round(x: number): number {
  return Math.round(Math.min(MAX_CONFIDENCE, Math.max(0, x)) * 1000) / 1000;
}

/** Noisy-OR of the reasons' support for a class. */
function support(reasons: Reason[], cls: ScoredClass): number {
  let miss = 1;
  for (const r of reasons) miss *= 1 - weightOf(r, cls);
  return 1 - miss;
}

function isCompiled(p: PolicyConfig | CompiledPolicy): p is CompiledPolicy {
  return 'own' in p && 'config' in p;
}

/** Pick the evidence class with the most support among those whose defining reason is present. */
function scoreClasses(reasons: Reason[]): { cls: VerdictClass; confidence: number } {
  const codes = new Set(reasons.map((r) => r.code));
  let best: { cls: ScoredClass; s: number } | null = null;
  for (const cls of SCORED) {
    const required = REQUIRED_FOR[cls];
    if (![...required].some((c) => codes.has(c))) continue;
    let s = support(reasons, cls);
    if (cls === 'dynamic_ip' && codes.has('RDNS_STATIC_HINT')) s *= STATIC_HINT_FACTOR;
    // A bot on a consumer line: the dynamic-address evidence supports the bot verdict too, so once
    // bot behaviour is seen, direct_bot always scores at least as high as dynamic_ip (what the host
    // did outranks what its address looks like).
    if (cls === 'direct_bot') s = 1 - (1 - s) * (1 - support(reasons, 'dynamic_ip'));
    if (best === null || s > best.s) best = { cls, s };
  }
  if (best === null || best.s < MIN_SUPPORT) return { cls: 'unknown', confidence: 0 };
  return { cls: best.cls, confidence: best.s };
}

/**
 * Classify one message. Order of precedence, each documented in docs/verdicts.md: no relaying hop
 * -> unknown; allow-listed -> allowlisted_provider; backscatter markers -> backscatter; auth
 * markers -> stolen_account (or webmail_injection with web markers); webmail markers ->
 * webmail_injection; otherwise the best-supported evidence class. The safety policy then decides
 * the nomination independently of the class.
 */
export function classify(input: ClassifyInput): Classification {
  const policy = isCompiled(input.policy) ? input.policy : compilePolicy(input.policy);
  const { parsed, dns } = input;
  const relay = parsed.walk.relay;
  if (relay === null) return { class: 'unknown', confidence: 0, reasons: [{ code: 'NO_RELAYING_HOP' }], nomination: null };
  const ip = parseIp(relay.ip) ?? relay.ip;
  const reasons: Reason[] = [];
  reasons.push(...dnsReasons(dns));
  const rdnsName = dns?.fcrdns ?? dns?.ptr?.[0] ?? relay.rdns ?? null;
  if (rdnsName !== null) reasons.push(...nameReasons(assessName(rdnsName, ip), rdnsName, 'RDNS'));
  const helo = parsed.facts.smtp?.helo ?? relay.helo;
  reasons.push(...heloReasons({ helo, ip, rdnsName, dns }, policy));
  reasons.push(...sessionReasons(parsed));
  const headers = headerReasons(parsed, { ...relay, ip }, dns);
  reasons.push(...headers.reasons);
  reasons.push(...chainReasons(parsed));
  const backscatter = backscatterReasons(parsed);
  reasons.push(...backscatter);
  const allowlist = checkAllowlist(ip, dns, policy, input.dnsAllowlistHits ?? []);
  reasons.push(...allowlist.reasons);

  let cls: VerdictClass;
  let confidence: number;
  const strongBackscatter = backscatter.some((r) => r.code !== 'PRECEDENCE_BULK') || backscatter.length >= 2;
  if (allowlist.allowlisted) {
    cls = 'allowlisted_provider';
    confidence = 0.95;
  } else if (strongBackscatter) {
    cls = 'backscatter';
    confidence = 1 - backscatter.reduce((m, r) => m * (r.code === 'DSN' || r.code === 'NULL_SENDER' ? 0.3 : 0.6), 1);
  } else if (headers.authenticated) {
    cls = headers.webmail ? 'webmail_injection' : 'stolen_account';
    confidence = relay.auth ? 0.9 : 0.75;
  } else if (headers.webmail) {
    cls = 'webmail_injection';
    confidence = 0.6;
  } else {
    const scored = scoreClasses(reasons);
    cls = scored.cls;
    confidence = scored.confidence;
  }
  if (reasons.some((r) => r.code === 'DNS_UNAVAILABLE')) confidence *= DNS_UNAVAILABLE_FACTOR;

  const safety = decideNomination({ parsed, dns, cls, authenticated: headers.authenticated, allowlist }, policy);
  reasons.push(...safety.reasons);
  return { class: cls, confidence: round(confidence), reasons, nomination: safety.nomination };
}
