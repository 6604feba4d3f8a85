// DnsFacts for one relaying hop: PTR, forward confirmation of the PTR names, the HELO name's addresses, all under one deadline.
import type { DnsFacts } from '@spamtrap/contracts';
import { parseIp } from '@spamtrap/ip';
import type { DnsAllowlistHit } from '@spamtrap/verdict';
import { allowlistsFromCache, lookupAllowlists } from './allowlist.js';
import type { DnsLookup, LookupResult } from './resolver.js';

export interface FactsOptions {
  /** Overall bound on one message's DNS work (ms): a slow zone never blocks a partition. */
  deadlineMs: number;
  /** PTR names whose A/AAAA are looked up for forward confirmation. */
  maxForwardNames: number;
  /** DNS allow-list zones to query for the peer (empty: none). */
  allowZones?: readonly string[];
}

/** DnsFacts plus the DNS allow-lists that list the peer. */
export interface DnsFactsResult {
  facts: DnsFacts;
  allowlistHits: DnsAllowlistHit[];
}

/** Longest name we look up (RFC 1035: 253 characters in text form). */
const MAX_LOOKUP_NAME = 253;
const HOSTNAME_RE = /^(?=.{1,253}\.?$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)+\.?$/i;

/** A HELO worth resolving: a dotted host name, not an address literal, not a single label. */
export function resolvableName(helo: string | null): string | null {
  if (helo === null) return null;
  const h = helo.trim();
  if (h.length === 0 || h.length > MAX_LOOKUP_NAME || parseIp(h) !== null || !HOSTNAME_RE.test(h)) return null;
  return h.toLowerCase().replace(/\.$/, '');
}

function withDeadline(p: Promise<LookupResult>, deadline: Promise<LookupResult>): Promise<LookupResult> {
  return Promise.race([p, deadline]);
}

/**
 * Look up what the classifier needs. NXDOMAIN/NODATA are answers (empty lists); SERVFAIL,
 * timeouts, refusals and the deadline are failures recorded in `errors` under `ptr`, `forward`
 * or `helo`. Results are sorted so replays with the same answers give identical facts.
 */
export async function lookupDnsFacts(ipText: string, helo: string | null, dns: DnsLookup, opts: FactsOptions): Promise<DnsFacts> {
  return (await lookupDns(ipText, helo, dns, opts)).facts;
}

/** As lookupDnsFacts, plus the DNS allow-list queries (failures land in `errors['allowlist:<zone>']`). */
export async function lookupDns(ipText: string, helo: string | null, dns: DnsLookup, opts: FactsOptions): Promise<DnsFactsResult> {
  const ip = parseIp(ipText) ?? ipText;
  const family: 4 | 6 = ip.includes(':') ? 6 : 4;
  const warm = factsFromCache(ip, family, helo, dns, opts);
  if (warm !== undefined) return warm;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<LookupResult>((resolve) => {
    // Not unref'd: the deadline must fire even if nothing else keeps the process alive; it is cleared below.
    timer = setTimeout(() => resolve({ ok: false, error: 'DEADLINE' }), opts.deadlineMs);
  });
  const errors: Record<string, string> = {};
  try {
    const ptrPart = (async () => {
      const ptr = await withDeadline(dns.ptr(ip), deadline);
      if (!ptr.ok) {
        errors['ptr'] = ptr.error;
        return { ptr: null, fcrdns: null };
      }
      const names = ptr.value.slice(0, opts.maxForwardNames);
      const forwards = await Promise.all(names.map((n) => withDeadline(dns.addresses(n, family), deadline)));
      let fcrdns: string | null = null;
      let failure: string | null = null;
      forwards.forEach((f, i) => {
        if (f.ok) {
          if (fcrdns === null && f.value.includes(ip)) fcrdns = names[i]!;
        } else failure ??= f.error;
      });
      if (fcrdns === null && failure !== null) errors['forward'] = failure;
      return { ptr: ptr.value, fcrdns };
    })();
    const heloPart = (async () => {
      const name = resolvableName(helo);
      if (name === null) return null;
      const [a, aaaa] = await Promise.all([withDeadline(dns.addresses(name, 4), deadline), withDeadline(dns.addresses(name, 6), deadline)]);
      if (!a.ok || !aaaa.ok) {
        errors['helo'] = !a.ok ? a.error : (aaaa as { ok: false; error: string }).error;
        return null;
      }
      return [...a.value, ...aaaa.value].sort();
    })();
    const allowPart = lookupAllowlists(ip, opts.allowZones ?? [], dns, deadline);
    const [{ ptr, fcrdns }, heloAddresses, allow] = await Promise.all([ptrPart, heloPart, allowPart]);
    Object.assign(errors, allow.errors);
    // Sort the error keys so the JSON is byte-identical across replays.
    return { facts: { ptr, fcrdns, heloAddresses, errors: sortedErrors(errors) }, allowlistHits: allow.hits };
  } finally {
    clearTimeout(timer);
  }
}

function sortedErrors(errors: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(errors).sort()) out[k] = errors[k]!;
  return out;
}

/**
 * The same facts from the cache alone, or undefined when any answer is missing (then the async
 * path runs). With a warm cache this skips the deadline timer and every promise; the result is
 * identical to what the async path computes from the same cached answers.
 */
function factsFromCache(ip: string, family: 4 | 6, helo: string | null, dns: DnsLookup, opts: FactsOptions): DnsFactsResult | undefined {
  if (dns.peekPtr === undefined || dns.peekAddresses === undefined) return undefined;
  const ptr = dns.peekPtr(ip);
  if (ptr === undefined) return undefined;
  const errors: Record<string, string> = {};
  let ptrList: string[] | null = null;
  let fcrdns: string | null = null;
  if (!ptr.ok) errors['ptr'] = ptr.error;
  else {
    ptrList = ptr.value;
    let failure: string | null = null;
    for (const n of ptr.value.slice(0, opts.maxForwardNames)) {
      const f = dns.peekAddresses(n, family);
      if (f === undefined) return undefined;
      if (f.ok) {
        if (fcrdns === null && f.value.includes(ip)) fcrdns = n;
      } else failure ??= f.error;
    }
    if (fcrdns === null && failure !== null) errors['forward'] = failure;
  }
  let heloAddresses: string[] | null = null;
  const name = resolvableName(helo);
  if (name !== null) {
    const a = dns.peekAddresses(name, 4);
    const aaaa = dns.peekAddresses(name, 6);
    if (a === undefined || aaaa === undefined) return undefined;
    if (!a.ok) errors['helo'] = a.error;
    else if (!aaaa.ok) errors['helo'] = aaaa.error;
    else heloAddresses = [...a.value, ...aaaa.value].sort();
  }
  const allow = allowlistsFromCache(ip, opts.allowZones ?? [], dns);
  if (allow === undefined) return undefined;
  Object.assign(errors, allow.errors);
  return { facts: { ptr: ptrList, fcrdns, heloAddresses, errors: sortedErrors(errors) }, allowlistHits: allow.hits };
}
