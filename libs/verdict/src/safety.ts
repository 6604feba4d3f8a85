// Safety policy (invariant 4): decides whether the connecting peer may be nominated at all, failing closed.
import type { DnsFacts, Nomination, ParsedRecord, ProbeKind, Reason, VerdictClass } from '@spamtrap/contracts';
import { nominationKey, parseIp, specialPurpose } from '@spamtrap/ip';
import type { CompiledPolicy } from './policy.js';

/** Classes whose evidence is about the connecting host itself, so the host may be nominated. */
const NOMINATING_CLASSES: ReadonlySet<VerdictClass> = new Set(['open_relay_suspect', 'open_proxy_suspect', 'dynamic_ip', 'direct_bot', 'webmail_injection', 'unknown']);

/** Probe kind per class: only a relay or proxy hypothesis is confirmed by a probe (MAPS RSS/OPS). */
export function probeFor(cls: VerdictClass): ProbeKind | null {
  if (cls === 'open_relay_suspect') return 'relay';
  if (cls === 'open_proxy_suspect') return 'proxy';
  return null;
}

/** A DNS allow-list that lists the peer: the zone and its answer (e.g. `127.0.15.2`). */
export interface DnsAllowlistHit {
  zone: string;
  answer: string;
}

export interface AllowlistResult {
  /** The peer is allow-listed: reason ALLOWLISTED. */
  allowlisted: boolean;
  /** The allow-list could not be checked: reason ALLOWLIST_LOOKUP_FAILED (fail closed). */
  failed: boolean;
  reasons: Reason[];
}

/**
 * Allow-list check: configured CIDRs, then provider patterns against the forward-confirmed rDNS
 * name. If patterns are configured but the name could not be established because a lookup failed
 * or DNS was off, the check failed: the caller must not nominate (Spamikaze listed Gmail because
 * a failed whitelist lookup fell through to "not listed"). Errors under `dns.errors` keys starting
 * with `allowlist` (DNS allow-lists) fail it too.
 */
export function checkAllowlist(ip: string, dns: DnsFacts | null, policy: CompiledPolicy, dnsHits: readonly DnsAllowlistHit[] = []): AllowlistResult {
  const cidr = policy.allow.match(ip);
  if (cidr !== null) return { allowlisted: true, failed: false, reasons: [{ code: 'ALLOWLISTED', detail: { by: 'network', entry: cidr } }] };
  const reasons: Reason[] = [];
  if (dns !== null && dns.fcrdns !== null) {
    const pattern = policy.providerPattern(dns.fcrdns);
    if (pattern !== null) return { allowlisted: true, failed: false, reasons: [{ code: 'ALLOWLISTED', detail: { by: 'provider', name: dns.fcrdns, pattern } }] };
  }
  const hit = dnsHits[0];
  if (dns !== null && hit !== undefined) return { allowlisted: true, failed: false, reasons: [{ code: 'ALLOWLISTED', detail: { by: 'dns', zone: hit.zone, answer: hit.answer } }] };
  const failures: string[] = [];
  if (dns !== null) for (const k of Object.keys(dns.errors)) if (k.startsWith('allowlist')) failures.push(`${k}: ${dns.errors[k]}`);
  if (dns === null && policy.allowDnsZones.length > 0) failures.push('dns disabled: DNS allow-lists cannot be queried');
  if (policy.hasProviderPatterns) {
    if (dns === null) failures.push('dns disabled: provider names cannot be confirmed');
    else if (dns.fcrdns === null && (dns.errors['ptr'] !== undefined || dns.errors['forward'] !== undefined)) {
      failures.push(`rDNS lookup failed: ${dns.errors['ptr'] ?? dns.errors['forward'] ?? ''}`);
    }
  }
  if (failures.length > 0) reasons.push({ code: 'ALLOWLIST_LOOKUP_FAILED', detail: { failures } });
  return { allowlisted: false, failed: failures.length > 0, reasons };
}

export interface SafetyInput {
  parsed: ParsedRecord;
  dns: DnsFacts | null;
  cls: VerdictClass;
  authenticated: boolean;
  allowlist: AllowlistResult;
}

export interface SafetyDecision {
  nomination: Nomination | null;
  /** Why not (or nothing when nominated). */
  reasons: Reason[];
}

/**
 * The last gate before a nomination. Every rule is a reason to refuse; the peer is nominated only
 * when none applies. Only the connecting peer is ever considered: the session peer for live mail,
 * the relaying hop of our own (trusted) header for imports; `claimedIps` never are.
 */
export function decideNomination(input: SafetyInput, policy: CompiledPolicy): SafetyDecision {
  const { parsed, cls } = input;
  const relay = parsed.walk.relay;
  const refuse = (r: Reason): SafetyDecision => ({ nomination: null, reasons: [r] });
  if (relay === null) return refuse({ code: 'NO_RELAYING_HOP' });
  const ip = parseIp(relay.ip);
  if (ip === null) return refuse({ code: 'RELAY_IP_INVALID', detail: { ip: String(relay.ip).slice(0, 100) } });
  const smtp = parsed.facts.smtp;
  if (relay.source === 'session') {
    // The session peer is the fact; a relay record that disagrees with it is not trusted.
    if (smtp === null || parseIp(smtp.peer.ip) !== ip) return refuse({ code: 'RELAY_NOT_CONNECTING_PEER', detail: { ip, peer: smtp?.peer.ip ?? null } });
  } else {
    // A header-sourced relay counts only for imports and only from a header our own host wrote.
    const b = parsed.walk.boundary;
    if (parsed.facts.source !== 'import' || smtp !== null || relay.index < 0 || b < 0 || relay.index > b) {
      return refuse({ code: 'RELAY_NOT_CONNECTING_PEER', detail: { ip, source: relay.source, index: relay.index, boundary: b } });
    }
  }
  const special = specialPurpose(ip);
  if (special !== null) {
    const detail: Record<string, string> = { ip, range: special.cidr, name: special.name };
    if (special.via !== undefined) detail['via'] = special.via;
    if (special.embedded !== undefined) detail['embedded'] = special.embedded;
    return refuse({ code: 'RESERVED_RANGE', detail });
  }
  const own = policy.own.match(ip);
  if (own !== null) return refuse({ code: 'OWN_NETWORK', detail: { ip, entry: own } });
  if (input.allowlist.allowlisted) return refuse({ code: 'NOT_NOMINATED_ALLOWLISTED', detail: { ip } });
  if (input.allowlist.failed) return refuse({ code: 'NOT_NOMINATED_ALLOWLIST_FAILED', detail: { ip } });
  if (input.authenticated) return refuse({ code: 'NOT_NOMINATED_AUTHENTICATED', detail: { ip } });
  if (!NOMINATING_CLASSES.has(cls)) return refuse({ code: 'NOT_NOMINATED_CLASS', detail: { ip, class: cls } });
  const key = nominationKey(ip);
  if (key === null) return refuse({ code: 'RELAY_IP_INVALID', detail: { ip } });
  return { nomination: { ip, key, probe: probeFor(cls) }, reasons: [] };
}
