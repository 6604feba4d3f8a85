// DNS allow-list queries (DNSWL-style zones): listed, not listed, or failed (the caller fails closed).
import { reverseName } from '@spamtrap/ip';
import type { DnsAllowlistHit } from '@spamtrap/verdict';
import type { DnsLookup, LookupResult } from './resolver.js';

export interface AllowlistAnswers {
  hits: DnsAllowlistHit[];
  /** `allowlist:<zone>` -> failure code, merged into DnsFacts.errors. */
  errors: Record<string, string>;
}

/** The query name for an address in a zone: reversed octets / nibbles, as for PTR (RFC 5782 §2.1, §2.4). */
export function zoneQueryName(ip: string, zone: string): string | null {
  const rev = reverseName(ip);
  if (rev === null) return null;
  return `${rev.replace(/\.(in-addr|ip6)\.arpa$/, '')}.${zone}`;
}

/**
 * Error answers, not listings: 127.255.255.0/24 (Spamhaus: public resolver, over limit, typing
 * error) and x.x.x.255 (DNSWL's "query refused / over limit" is 127.0.0.255). Treating these as
 * "listed" or "not listed" would both be wrong; they fail the check.
 */
function isErrorAnswer(a: string): boolean {
  return a.startsWith('127.255.255.') || a.endsWith('.255');
}

export async function lookupAllowlists(ip: string, zones: readonly string[], dns: DnsLookup, deadline: Promise<LookupResult>): Promise<AllowlistAnswers> {
  const hits: DnsAllowlistHit[] = [];
  const errors: Record<string, string> = {};
  await Promise.all(
    zones.map(async (zone) => {
      const name = zoneQueryName(ip, zone);
      if (name === null) {
        errors[`allowlist:${zone}`] = 'BADNAME';
        return;
      }
      const r = await Promise.race([dns.addresses(name, 4), deadline]);
      judgeZone(zone, r, hits, errors);
    }),
  );
  hits.sort(byZone);
  return { hits, errors };
}

const byZone = (a: DnsAllowlistHit, b: DnsAllowlistHit): number => (a.zone < b.zone ? -1 : a.zone > b.zone ? 1 : 0);

/** Read one zone's answer: listed (127/8), not listed (empty), or failed (error, error answer). */
function judgeZone(zone: string, r: LookupResult, hits: DnsAllowlistHit[], errors: Record<string, string>): void {
  if (!r.ok) errors[`allowlist:${zone}`] = r.error;
  else if (r.value.some(isErrorAnswer)) errors[`allowlist:${zone}`] = `ERROR_ANSWER ${r.value.join(',')}`;
  else {
    const listed = r.value.filter((a) => a.startsWith('127.'));
    if (listed.length > 0) hits.push({ zone, answer: listed.join(',') });
  }
}

/** The same, from the cache only; undefined when any zone's answer is not cached. */
export function allowlistsFromCache(ip: string, zones: readonly string[], dns: DnsLookup): AllowlistAnswers | undefined {
  const hits: DnsAllowlistHit[] = [];
  const errors: Record<string, string> = {};
  for (const zone of zones) {
    const name = zoneQueryName(ip, zone);
    if (name === null) {
      errors[`allowlist:${zone}`] = 'BADNAME';
      continue;
    }
    const r = dns.peekAddresses?.(name, 4);
    if (r === undefined) return undefined;
    judgeZone(zone, r, hits, errors);
  }
  hits.sort(byZone);
  return { hits, errors };
}
