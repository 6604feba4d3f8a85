// HELO checks: IP literal of another address, forged as ours, localhost, NetBIOS single label, forged big provider, DNS mismatch.
import type { DnsFacts, Reason } from '@spamtrap/contracts';
import { parseIp } from '@spamtrap/ip';
import { clip, nameParts, normName } from './names.js';
import type { CompiledPolicy } from './policy.js';
import { assessName, nameReasons } from './rdns.js';

export interface HeloInput {
  helo: string | null;
  ip: string;
  /** Forward-confirmed rDNS name, or the PTR name, when known. */
  rdnsName: string | null;
  dns: DnsFacts | null;
}

/** `[1.2.3.4]`, `[IPv6:...]` or a bare address. */
function heloLiteral(helo: string): string | null {
  return parseIp(helo);
}

export function heloReasons(input: HeloInput, policy: CompiledPolicy): Reason[] {
  const out: Reason[] = [];
  const raw = input.helo;
  if (raw === null || raw.trim() === '') {
    out.push({ code: 'HELO_MISSING' });
    return out;
  }
  const helo = normName(raw);
  const shown = clip(raw);
  const literal = heloLiteral(raw);
  if (literal !== null) {
    if (literal !== input.ip) out.push({ code: 'HELO_IP_LITERAL_MISMATCH', detail: { helo: shown, ip: input.ip } });
    else out.push({ code: 'HELO_IP_LITERAL', detail: { helo: shown } });
    return out;
  }
  if (helo === 'localhost' || helo.startsWith('localhost.') || helo.endsWith('.localdomain') || helo === 'localdomain') {
    out.push({ code: 'HELO_LOCALHOST', detail: { helo: shown } });
    return out;
  }
  const forgedAs = policy.ourHosts.has(helo) ? helo : policy.trapDomains.find((d) => helo === d || helo.endsWith(`.${d}`)) ?? null;
  if (forgedAs !== null) {
    out.push({ code: 'HELO_FORGED_AS_TRAP_DOMAIN', detail: { helo: shown, matched: forgedAs } });
    return out;
  }
  if (!helo.includes('.')) {
    out.push({ code: 'HELO_NETBIOS', detail: { helo: shown } });
    return out;
  }
  const { domain } = nameParts(helo);
  if (domain !== null && policy.bigProviders.has(domain)) {
    // Only with a known rDNS answer: a name in another domain, or no PTR at all (big providers
    // always have one). Without DNS and without a recorded rDNS there is nothing to compare.
    const noPtr = input.dns !== null && input.dns.errors['ptr'] === undefined && input.dns.ptr !== null && input.dns.ptr.length === 0;
    const rdnsDomain = input.rdnsName === null ? null : nameParts(input.rdnsName).domain;
    if ((rdnsDomain !== null && rdnsDomain !== domain) || (input.rdnsName === null && noPtr)) {
      out.push({ code: 'HELO_FORGED_BIG_PROVIDER', detail: { helo: shown, provider: domain, rdns: clip(input.rdnsName) } });
    }
  }
  for (const r of nameReasons(assessName(helo, input.ip), helo, 'HELO')) {
    // Static hints and hosting names in a HELO say little; keep only what points at an end-user host.
    if (r.code === 'HELO_DYNAMIC_TOKEN' || r.code === 'HELO_EMBEDS_IP') out.push(r);
  }
  const dns = input.dns;
  if (dns !== null && dns.errors['helo'] === undefined && dns.heloAddresses !== null) {
    if (dns.heloAddresses.length === 0) out.push({ code: 'HELO_NO_ADDRESS', detail: { helo: shown } });
    else if (dns.heloAddresses.includes(input.ip)) out.push({ code: 'HELO_CONFIRMS_IP', detail: { helo: shown } });
    else out.push({ code: 'HELO_ADDRESS_MISMATCH', detail: { helo: shown, addresses: dns.heloAddresses.slice(0, 8) } });
  }
  return out;
}
