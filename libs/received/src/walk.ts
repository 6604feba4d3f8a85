// Walks the parsed Received chain top-down against the trust list (or the SMTP session) to find the boundary and the relaying hop.
import type { HopWalk, ReceivedHop, Reason, RelayingHop } from '@spamtrap/contracts';
import { getDomain } from 'tldts';
import { normaliseIp, specialPurpose } from './ip.js';
import { DEFAULT_MAX_SKEW_MS, MAX_RECEIVED_HEADERS } from './limits.js';
import { parseReceived } from './parse.js';
import { hostTrusted, ipTrusted, type TrustList } from './trust.js';

/** SMTP session facts from our own sink; they always win over header text. */
export interface SessionFacts {
  peerIp: string;
  helo: string | null;
  auth?: boolean;
  tls?: boolean;
}

export interface WalkOptions {
  trusted: TrustList;
  session?: SessionFacts;
  /** Reference time for DATE_IN_FUTURE; omitted = no future check (imports of old mail). */
  now?: Date;
  /** Allowed clock skew between hops (default DEFAULT_MAX_SKEW_MS). */
  maxSkewMs?: number;
  /** Received headers already dropped by extraction (added to counts.truncated). */
  truncated?: number;
}

/** MTAs that write an rDNS name only after forward confirmation, so a trusted-name match is safe. */
const VERIFYING_MTAS = new Set(['postfix', 'exim', 'sendmail', 'gmail', 'haraka']);

function sameSite(a: string, b: string): boolean {
  const x = a.toLowerCase().replace(/\.$/, '');
  const y = b.toLowerCase().replace(/\.$/, '');
  if (x === y) return true;
  const dx = registrable(x);
  return dx !== null && dx === registrable(y);
}

/** Memo of getDomain (4,096 names, cleared when full): receivers' names recur in every chain they write. */
const DOMAIN_CACHE_MAX = 4096;
const DOMAIN_CACHE = new Map<string, string | null>();

/** The registrable domain of a host name (public-suffix aware), memoised. */
function registrable(host: string): string | null {
  const hit = DOMAIN_CACHE.get(host);
  if (hit !== undefined) return hit;
  const d = getDomain(host);
  if (DOMAIN_CACHE.size >= DOMAIN_CACHE_MAX) DOMAIN_CACHE.clear();
  DOMAIN_CACHE.set(host, d);
  return d;
}

/** The sending side of a trusted header is ours too: loopback, a trusted network, or a verified trusted name. */
function fromSideTrusted(h: ReceivedHop, t: TrustList): boolean {
  if (!h.fromIp) return false;
  if (specialPurpose(h.fromIp) === 'loopback') return true;
  if (ipTrusted(t, h.fromIp)) return true;
  const forged = h.flags?.includes('may-be-forged') ?? false;
  return !forged && h.mta !== null && VERIFYING_MTAS.has(h.mta) && hostTrusted(t, h.fromRdns);
}

function writerTrusted(h: ReceivedHop, t: TrustList): boolean {
  return hostTrusted(t, h.by) || ipTrusted(t, h.byIp ?? null);
}

function relayOf(h: ReceivedHop, index: number): RelayingHop | null {
  if (!h.fromIp) return null;
  return { ip: h.fromIp, helo: h.fromHelo, rdns: h.fromRdns, by: h.by, index, source: 'header', auth: h.auth, tls: h.tls };
}

/**
 * Parses `values` (Received header values, top/newest first) and walks them. Without session facts the boundary
 * is the lowest header written by a trusted host and the relay is that header's `from` side; with session facts
 * the relay is the session peer and every header is a claim. Never throws.
 */
export function walkHops(values: string[], opts: WalkOptions): HopWalk {
  const kept = values.length > MAX_RECEIVED_HEADERS ? values.slice(0, MAX_RECEIVED_HEADERS) : values;
  const hops = kept.map((v) => parseReceived(v));
  return walkParsed(hops, opts, values.length);
}

/** Walks already parsed hops (lets callers parse once and walk with several trust lists). */
export function walkParsed(hops: ReceivedHop[], opts: WalkOptions, totalGiven = hops.length): HopWalk {
  const reasons: Reason[] = [];
  const truncated = Math.max(0, totalGiven - hops.length) + (opts.truncated ?? 0);
  const counts = {
    total: totalGiven + (opts.truncated ?? 0),
    unparsed: hops.filter((h) => h.kind === 'unparsed').length,
    ignored: hops.filter((h) => h.kind === 'ignored').length,
    truncated,
  };
  if (truncated > 0) reasons.push({ code: 'HEADERS_TRUNCATED', detail: { dropped: truncated, kept: hops.length } });
  if (hops.length === 0) reasons.push({ code: 'NO_RECEIVED_HEADERS' });

  const result = opts.session ? walkSession(hops, opts, reasons) : walkTrust(hops, opts.trusted, reasons);
  chainChecks(hops, result.boundary, opts, reasons);
  if (result.relay) {
    const special = specialPurpose(result.relay.ip);
    if (special) reasons.push({ code: 'RELAY_IP_SPECIAL', hop: result.relay.index, detail: { ip: result.relay.ip, class: special } });
    if (result.relay.auth) reasons.push({ code: 'RELAY_AUTHENTICATED', hop: result.relay.index });
  }
  return { hops, boundary: result.boundary, relay: result.relay, reasons, claimedIps: result.claimed, counts };
}

interface Partial {
  boundary: number;
  relay: RelayingHop | null;
  claimed: string[];
}

function walkTrust(hops: ReceivedHop[], t: TrustList, reasons: Reason[]): Partial {
  let inChain = false;
  let boundary = -1;
  let relay: RelayingHop | null = null;
  let stopped = -1;
  const unparsedAbove: number[] = [];
  for (let i = 0; i < hops.length; i++) {
    const h = hops[i] as ReceivedHop;
    if (h.kind === 'unparsed') {
      unparsedAbove.push(i);
      continue;
    }
    if (h.kind === 'ignored') {
      if (h.flags?.includes('fetch')) {
        // Mailbox fetch: what lies below was delivered to a mailbox elsewhere; restart (SpamAssassin's pop-fetcher rule).
        reasons.push({ code: 'FETCH_RESTART', hop: i, detail: { with: h.with } });
        inChain = false;
        boundary = -1;
      }
      continue;
    }
    if (!inChain) {
      if (!writerTrusted(h, t)) {
        reasons.push({ code: 'NO_TRUSTED_HEADER', hop: i, detail: { by: h.by, byIp: h.byIp ?? null } });
        boundary = -1;
        stopped = i;
        break;
      }
      inChain = true;
    }
    boundary = i;
    if (fromSideTrusted(h, t)) continue;
    relay = relayOf(h, i);
    stopped = i;
    break;
  }
  if (stopped === -1 && inChain) {
    // The chain never left our hosts. If a header below the boundary could not be parsed, that header is
    // (by position) one of ours whose format we do not cover, and the relay is unknown rather than absent.
    const lost = unparsedAbove.find((u) => u > boundary);
    if (lost !== undefined) reasons.push({ code: 'RELAY_UNPARSEABLE', hop: lost, detail: { note: hops[lost]?.note ?? null } });
    else reasons.push({ code: 'ALL_TRUSTED', hop: boundary });
  }
  if (stopped === -1 && !inChain && boundary === -1 && hops.length > 0 && !reasons.some((r) => r.code === 'NO_TRUSTED_HEADER')) {
    reasons.push({ code: 'NO_TRUSTED_HEADER', detail: { by: null, byIp: null } });
  }
  for (const u of unparsedAbove) if (boundary !== -1 && u < boundary) reasons.push({ code: 'UNPARSED_ABOVE_BOUNDARY', hop: u, detail: { note: hops[u]?.note ?? null } });
  const claimed: string[] = [];
  const start = boundary === -1 ? 0 : boundary + 1;
  if (boundary !== -1 || relay !== null) {
    for (let i = start; i < hops.length; i++) {
      const ip = hops[i]?.fromIp;
      if (ip && ip !== relay?.ip && !claimed.includes(ip)) claimed.push(ip);
    }
  }
  return { boundary, relay, claimed };
}

function walkSession(hops: ReceivedHop[], opts: WalkOptions, reasons: Reason[]): Partial {
  const s = opts.session as SessionFacts;
  const ip = normaliseIp(s.peerIp);
  const claimed: string[] = [];
  for (const h of hops) if (h.fromIp && h.fromIp !== ip && !claimed.includes(h.fromIp)) claimed.push(h.fromIp);
  if (!ip) {
    reasons.push({ code: 'SESSION_PEER_INVALID', detail: { peerIp: s.peerIp.slice(0, 64) } });
    return { boundary: -1, relay: null, claimed };
  }
  const relay: RelayingHop = { ip, helo: s.helo, rdns: null, by: null, index: -1, source: 'session', auth: s.auth ?? false, tls: s.tls ?? false };
  const topIdx = hops.findIndex((h) => h.kind === 'relay');
  const top = topIdx === -1 ? undefined : hops[topIdx];
  if (top && top.fromIp) {
    if (top.fromIp === ip) reasons.push({ code: 'TOP_HEADER_NAMES_PEER', hop: topIdx, detail: { ip } });
    else reasons.push({ code: 'THIRD_PARTY_HANDOFF', hop: topIdx, detail: { by: top.by, claimedIp: top.fromIp, peerIp: ip } });
    if (s.helo && top.by && !sameSite(top.by, s.helo) && top.byIp !== ip) {
      reasons.push({ code: 'BY_HELO_MISMATCH', hop: topIdx, detail: { by: top.by, helo: s.helo } });
    }
  }
  hops.forEach((h, i) => {
    const ownName = hostTrusted(opts.trusted, h.by) || ipTrusted(opts.trusted, h.byIp ?? null);
    const ownIp = h.fromIp !== null && specialPurpose(h.fromIp) !== 'loopback' && ipTrusted(opts.trusted, h.fromIp);
    if (ownName || ownIp) reasons.push({ code: 'FORGED_OWN_HEADER', hop: i, detail: { by: h.by, fromIp: h.fromIp } });
  });
  return { boundary: -1, relay, claimed };
}

/** Consistency checks on the untrusted part of the chain (and dates everywhere). */
function chainChecks(hops: ReceivedHop[], boundary: number, opts: WalkOptions, reasons: Reason[]): void {
  const skew = opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  const from = opts.session ? 0 : boundary;
  let upperDate: { ms: number; i: number } | null = null;
  let prevRelay = -1;
  let seenPublic = false;
  for (let i = 0; i < hops.length; i++) {
    const h = hops[i] as ReceivedHop;
    for (const f of h.flags ?? []) {
      if (f === 'date-invalid' || f === 'date-unparseable' || f === 'date-weekday-mismatch') {
        reasons.push({ code: 'DATE_INVALID', hop: i, detail: { problem: f.slice(5) } });
      }
    }
    if (h.date) {
      const ms = Date.parse(h.date);
      if (upperDate && ms - upperDate.ms > skew) {
        reasons.push({ code: 'TIME_BACKWARDS', hop: i, detail: { above: upperDate.i, aheadByS: Math.round((ms - upperDate.ms) / 1000) } });
      }
      if (opts.now && ms - opts.now.getTime() > skew) reasons.push({ code: 'DATE_IN_FUTURE', hop: i, detail: { date: h.date } });
      upperDate = { ms, i };
    }
    if (from < 0 || i < from) continue;
    if (h.kind === 'unparsed' && prevRelay !== -1 && h.by) {
      // An unparsed header still names its receiver: check the link, then there is no sender side to link on.
      const up = hops[prevRelay] as ReceivedHop;
      if (!byMatchesFrom(up, h)) reasons.push({ code: 'BY_FROM_MISMATCH', hop: i, detail: { by: h.by, aboveFromRdns: up.fromRdns, aboveFromHelo: up.fromHelo, aboveFromIp: up.fromIp } });
      prevRelay = -1;
      continue;
    }
    if (h.kind !== 'relay') continue;
    const ip = h.fromIp as string;
    const special = specialPurpose(ip);
    if (special === null) seenPublic = true;
    else if (seenPublic && special !== 'loopback') reasons.push({ code: 'PRIVATE_BELOW_PUBLIC', hop: i, detail: { ip, class: special } });
    if (h.flags?.includes('helo-literal') && h.fromHelo) {
      const lit = normaliseIp(h.fromHelo);
      if (lit && lit !== ip) reasons.push({ code: 'HELO_IP_MISMATCH', hop: i, detail: { helo: h.fromHelo, ip } });
    }
    if (prevRelay !== -1) {
      const up = hops[prevRelay] as ReceivedHop;
      const down = h;
      if (down.by && !byMatchesFrom(up, down)) {
        reasons.push({ code: 'BY_FROM_MISMATCH', hop: i, detail: { by: down.by, aboveFromRdns: up.fromRdns, aboveFromHelo: up.fromHelo, aboveFromIp: up.fromIp } });
      }
    }
    prevRelay = i;
  }
}

/** SpamCop-style chain link: the lower header's `by` should name the host the upper header received from. */
function byMatchesFrom(up: ReceivedHop, down: ReceivedHop): boolean {
  const by = down.by as string;
  if (up.fromIp && (down.byIp === up.fromIp || normaliseIp(by) === up.fromIp)) return true;
  if (up.fromRdns && sameSite(up.fromRdns, by)) return true;
  if (up.fromHelo && sameSite(up.fromHelo, by)) return true;
  return false;
}
