// Evidence from the session, the Received chain, the message and DNS, turned into reasons with facts.
import type { DnsFacts, ParsedRecord, Reason, ReceivedHop, RelayingHop } from '@spamtrap/contracts';
import { parseIp, specialPurpose, toValue } from '@spamtrap/ip';
import { clip, nameParts, normName } from './names.js';
import { ORG_DOMAIN_GROUPS } from './rdns-rules.js';

/** Session anomaly codes from the sink, mapped to our reason codes (domain.md §5 "Session" row). */
const ANOMALY_REASONS: Readonly<Record<string, string>> = {
  HTTP_REQUEST: 'HTTP_BEFORE_HELO',
  PROXY_CONNECT: 'HTTP_BEFORE_HELO',
  EARLY_TALKER: 'EARLY_TALKER',
  PIPELINING_VIOLATION: 'PIPELINING_VIOLATION',
  BARE_LF: 'BARE_LF',
  AUTH_ATTEMPT: 'AUTH_WITHOUT_OFFER',
};

/** At most this many anomalies are turned into reasons: a flood of one kind says no more than a few. */
const MAX_ANOMALY_REASONS = 8;

export function sessionReasons(parsed: ParsedRecord): Reason[] {
  const out: Reason[] = [];
  const seen = new Set<string>();
  for (const a of parsed.facts.smtp?.anomalies ?? []) {
    const code = ANOMALY_REASONS[a.code];
    if (code === undefined || seen.has(a.code)) continue;
    seen.add(a.code);
    const detail: Record<string, string | number> = { anomaly: a.code };
    if (typeof a.detail === 'string') detail['sent'] = a.detail.slice(0, 200);
    if (typeof a.atMs === 'number') detail['atMs'] = a.atMs;
    out.push({ code, detail });
    if (out.length >= MAX_ANOMALY_REASONS) break;
  }
  return out;
}

/** Names the connecting host may go by: HELO, rDNS as recorded, PTR names. */
function connectingNames(relay: RelayingHop, dns: DnsFacts | null): string[] {
  const names = [relay.helo, relay.rdns, dns?.fcrdns ?? null, ...(dns?.ptr ?? [])].filter((n): n is string => n !== null && n !== '');
  return [...new Set(names.map(normName))];
}

/** Does a header's `by` name the connecting host (same name, its IP, or the same registrable domain, as SpamCop's chain test)? */
function byNamesConnectingHost(by: string | null, relay: RelayingHop, names: string[]): boolean {
  if (by === null || by.trim() === '') return false;
  const b = normName(by);
  if (names.includes(b)) return true;
  if (parseIp(b) === relay.ip || b.includes(`[${relay.ip}]`)) return true;
  const dom = nameParts(b).domain;
  if (dom === null) return false;
  return names.some((n) => nameParts(n).domain === dom);
}

const ORG_OF = new Map<string, string>(ORG_DOMAIN_GROUPS.flatMap((g) => g.map((d) => [d, g[0]!] as [string, string])));

/** A registrable domain, mapped to its organisation's first domain when it belongs to a known group. */
function orgOf(domain: string | null): string | null {
  return domain === null ? null : (ORG_OF.get(domain) ?? domain);
}

/**
 * Is the upstream host of the connecting host's header part of the same organisation? SpamCop's
 * chain test: the same registrable domain, or a nearby address (same IPv4 /16, same IPv6 /32).
 * A provider's internal hops (EOP, a hosting company's web and mail servers) are not third parties.
 * Returns how it matched, or null.
 */
function sameOrganisation(relayIp: string, relayNames: string[], fromIp: string, fromNames: (string | null)[]): string | null {
  const relayDomains = new Set(relayNames.map((n) => orgOf(nameParts(n).domain)).filter((d): d is string => d !== null));
  for (const n of fromNames) {
    if (n === null) continue;
    const d = orgOf(nameParts(n).domain);
    if (d !== null && relayDomains.has(d)) return `domain ${nameParts(n).domain ?? d}`;
  }
  const a = toValue(relayIp);
  const b = toValue(fromIp);
  if (a !== null && b !== null && a.v === b.v) {
    if (a.v === 4 && b.v === 4 && a.n >>> 16 === b.n >>> 16) return 'same IPv4 /16';
    if (a.v === 6 && b.v === 6 && a.n >> 96n === b.n >> 96n) return 'same IPv6 /32';
  }
  return null;
}

export interface HeaderEvidence {
  reasons: Reason[];
  /** Index of the header written by the connecting host, or -1. */
  connectingHeader: number;
  authenticated: boolean;
  webmail: boolean;
}

const WEBMAIL_PROTOCOLS = new Set(['HTTP', 'HTTPS']);
const WEBMAIL_HEADERS = ['x-php-originating-script', 'x-php-script'];

/**
 * The header written by the connecting host is the first non-ignored hop below our boundary whose
 * `by` names that host. It is a claim, but a claim by the host we nominate: a third-party `from`
 * in it is how an open relay shows itself; an auth marker in it (or in our own boundary hop)
 * means credentials were used. Headers further down are never trusted for anything.
 */
export function headerReasons(parsed: ParsedRecord, relay: RelayingHop, dns: DnsFacts | null): HeaderEvidence {
  const reasons: Reason[] = [];
  const hops = parsed.walk.hops;
  const start = Math.max(parsed.walk.boundary, relay.index) + 1;
  let firstBelow = -1;
  for (let i = start; i < hops.length; i++) {
    if (hops[i]!.kind !== 'ignored') {
      firstBelow = i;
      break;
    }
  }
  const names = connectingNames(relay, dns);
  let connectingHeader = -1;
  let hop: ReceivedHop | null = null;
  if (firstBelow >= 0 && byNamesConnectingHost(hops[firstBelow]!.by, relay, names)) {
    connectingHeader = firstBelow;
    hop = hops[firstBelow]!;
  }
  let authenticated = false;
  if (relay.auth) {
    authenticated = true;
    const detail = { source: relay.source === 'session' ? 'session' : 'boundary_header' };
    reasons.push(relay.index >= 0 ? { code: 'AUTHENTICATED', hop: relay.index, detail } : { code: 'AUTHENTICATED', detail });
  }
  let webmail = false;
  if (hop === null) {
    const lower = hops.length - start;
    reasons.push({ code: 'NO_HEADER_FROM_CONNECTING_HOST', detail: { lowerHeaders: Math.max(0, lower), firstBy: firstBelow >= 0 ? clip(hops[firstBelow]!.by) : null } });
  } else {
    reasons.push({ code: 'CONNECTING_HOST_HEADER', hop: connectingHeader, detail: { by: clip(hop.by), with: clip(hop.with) } });
    if (hop.auth && !authenticated) {
      authenticated = true;
      reasons.push({ code: 'AUTHENTICATED', hop: connectingHeader, detail: { source: 'relay_header', with: clip(hop.with) } });
    }
    if (hop.with !== null && WEBMAIL_PROTOCOLS.has(hop.with.toUpperCase())) {
      webmail = true;
      reasons.push({ code: 'WEBMAIL_MARKER', hop: connectingHeader, detail: { marker: `with ${clip(hop.with) ?? ''}` } });
    }
    const from = hop.fromIp === null ? null : parseIp(hop.fromIp);
    if (from !== null && from !== relay.ip) {
      if (specialPurpose(from) !== null) {
        reasons.push({ code: 'INTERNAL_HANDOFF', hop: connectingHeader, detail: { fromIp: from, fromHelo: clip(hop.fromHelo) } });
      } else {
        const sameOrg = sameOrganisation(relay.ip, [...names, ...(hop.by === null ? [] : [normName(hop.by)])], from, [hop.fromRdns, hop.fromHelo]);
        if (sameOrg !== null) {
          reasons.push({ code: 'SAME_ORG_HANDOFF', hop: connectingHeader, detail: { fromIp: from, fromHelo: clip(hop.fromHelo), by: sameOrg } });
        } else {
          reasons.push({ code: 'THIRD_PARTY_HANDOFF', hop: connectingHeader, detail: { fromIp: from, fromHelo: clip(hop.fromHelo), fromRdns: clip(hop.fromRdns) } });
        }
      }
    }
  }
  const extra = parsed.mail?.extraHeaders ?? {};
  for (const key of Object.keys(extra)) {
    if (WEBMAIL_HEADERS.includes(key.toLowerCase())) {
      webmail = true;
      reasons.push({ code: 'WEBMAIL_MARKER', detail: { marker: key.slice(0, 100), value: String(extra[key]).slice(0, 200) } });
      break;
    }
  }
  return { reasons, connectingHeader, authenticated, webmail };
}

const BULK_PRECEDENCE = new Set(['bulk', 'junk', 'list']);

/** Bounce / auto-reply markers (Spamikaze's backscatter filter): the trap was a forged sender. */
export function backscatterReasons(parsed: ParsedRecord): Reason[] {
  const out: Reason[] = [];
  if (parsed.facts.smtp !== null && parsed.facts.smtp.mailFrom === '') out.push({ code: 'NULL_SENDER' });
  const mail = parsed.mail;
  if (mail === null) return out;
  if (mail.autoReply.dsn) out.push({ code: 'DSN', detail: { contentType: mail.contentType } });
  const auto = mail.autoReply.autoSubmitted;
  if (auto !== null && auto.trim().toLowerCase() !== 'no') out.push({ code: 'AUTO_SUBMITTED', detail: { value: auto.slice(0, 100) } });
  const prec = mail.autoReply.precedence;
  if (prec !== null && BULK_PRECEDENCE.has(prec.trim().toLowerCase())) out.push({ code: 'PRECEDENCE_BULK', detail: { value: prec.slice(0, 100) } });
  const daemon = mail.from.find((f) => /^(mailer-daemon|postmaster)@/i.test(f.trim()));
  if (daemon !== undefined) out.push({ code: 'MAILER_DAEMON_FROM', detail: { from: daemon.slice(0, 200) } });
  return out;
}

/** PTR / FCrDNS facts as reasons; failures become DNS_UNAVAILABLE (an answer like NXDOMAIN is not a failure). */
export function dnsReasons(dns: DnsFacts | null): Reason[] {
  if (dns === null) return [{ code: 'DNS_SKIPPED' }];
  const out: Reason[] = [];
  const ptrErr = dns.errors['ptr'];
  if (ptrErr !== undefined) out.push({ code: 'DNS_UNAVAILABLE', detail: { lookup: 'ptr', error: ptrErr } });
  else if (dns.ptr !== null && dns.ptr.length === 0) out.push({ code: 'NO_PTR' });
  else if (dns.fcrdns !== null) out.push({ code: 'FCRDNS_PASS', detail: { name: dns.fcrdns } });
  else if (dns.errors['forward'] !== undefined) out.push({ code: 'DNS_UNAVAILABLE', detail: { lookup: 'forward', error: dns.errors['forward'] } });
  else if (dns.ptr !== null) out.push({ code: 'FCRDNS_FAIL', detail: { names: dns.ptr.slice(0, 8) } });
  const heloErr = dns.errors['helo'];
  if (heloErr !== undefined) out.push({ code: 'DNS_UNAVAILABLE', detail: { lookup: 'helo', error: heloErr } });
  return out;
}

/** Hop-walk observations (libs/received) that say the chain below us was forged. */
const CHAIN_CODES: Readonly<Record<string, string>> = {
  FORGED_OWN_HEADER: 'CHAIN_FORGED_OWN_HEADER',
  DATE_INVALID: 'CHAIN_DATE_ANOMALY',
  DATE_IN_FUTURE: 'CHAIN_DATE_ANOMALY',
  TIME_BACKWARDS: 'CHAIN_DATE_ANOMALY',
};

/**
 * Forgery signs from the walk, below our boundary only: a lower header claiming to be our own
 * host, impossible dates (domain.md §5: "Received dates off by hours/days, wrong weekday"). One
 * reason per kind, naming the first hop and the walk's code.
 */
export function chainReasons(parsed: ParsedRecord): Reason[] {
  const out: Reason[] = [];
  const seen = new Set<string>();
  const walkReasons = Array.isArray(parsed.walk.reasons) ? parsed.walk.reasons : [];
  for (const r of walkReasons) {
    const code = typeof r?.code === 'string' ? CHAIN_CODES[r.code] : undefined;
    if (code === undefined || seen.has(code)) continue;
    if (typeof r.hop === 'number' && r.hop <= parsed.walk.boundary) continue;
    seen.add(code);
    out.push(typeof r.hop === 'number' ? { code, hop: r.hop, detail: { walkCode: r.code } } : { code, detail: { walkCode: r.code } });
  }
  return out;
}
