// Special-purpose address ranges that must never be nominated or probed (RFC 6890 + IANA registries), with unwrapping of IPv4-in-IPv6 forms.
import { CidrSet } from './cidr-set.js';
import { toValue, v4ToString, type IpValue } from './value.js';

/** A special-purpose range as registered, with the registry's name for it. */
export interface SpecialRangeDef {
  cidr: string;
  name: string;
  /** Where it is registered. */
  ref: string;
}

/**
 * IANA IPv4 Special-Purpose Address Registry (RFC 6890 §2.2.2, updated by RFC 8190) plus the
 * multicast and reserved blocks from the IANA IPv4 address space registry. The complete list of
 * domain.md §6: none of these can be the public address of a host that connected to our MX.
 */
export const SPECIAL_V4: readonly SpecialRangeDef[] = [
  { cidr: '0.0.0.0/8', name: 'this network', ref: 'RFC 791, RFC 6890' },
  { cidr: '10.0.0.0/8', name: 'private-use', ref: 'RFC 1918' },
  { cidr: '100.64.0.0/10', name: 'shared address space (CGNAT)', ref: 'RFC 6598' },
  { cidr: '127.0.0.0/8', name: 'loopback', ref: 'RFC 1122' },
  { cidr: '169.254.0.0/16', name: 'link-local', ref: 'RFC 3927' },
  { cidr: '172.16.0.0/12', name: 'private-use', ref: 'RFC 1918' },
  { cidr: '192.0.0.0/24', name: 'IETF protocol assignments', ref: 'RFC 6890' },
  { cidr: '192.0.2.0/24', name: 'documentation (TEST-NET-1)', ref: 'RFC 5737' },
  { cidr: '192.88.99.0/24', name: '6to4 relay anycast (deprecated)', ref: 'RFC 7526' },
  { cidr: '192.168.0.0/16', name: 'private-use', ref: 'RFC 1918' },
  { cidr: '198.18.0.0/15', name: 'benchmarking', ref: 'RFC 2544' },
  { cidr: '198.51.100.0/24', name: 'documentation (TEST-NET-2)', ref: 'RFC 5737' },
  { cidr: '203.0.113.0/24', name: 'documentation (TEST-NET-3)', ref: 'RFC 5737' },
  { cidr: '224.0.0.0/4', name: 'multicast', ref: 'RFC 5771' },
  { cidr: '240.0.0.0/4', name: 'reserved (incl. limited broadcast 255.255.255.255)', ref: 'RFC 1112, RFC 919' },
];

/**
 * IANA IPv6 Special-Purpose Address Registry (RFC 6890 §2.2.3 and later additions) and the
 * transition prefixes whose real sender is an embedded IPv4 host. Anything outside 2000::/3
 * (global unicast, IANA IPv6 address space registry) is caught separately.
 */
export const SPECIAL_V6: readonly SpecialRangeDef[] = [
  { cidr: '::/128', name: 'unspecified', ref: 'RFC 4291' },
  { cidr: '::1/128', name: 'loopback', ref: 'RFC 4291' },
  { cidr: '::ffff:0:0/96', name: 'IPv4-mapped', ref: 'RFC 4291' },
  { cidr: '64:ff9b::/96', name: 'NAT64 well-known prefix', ref: 'RFC 6052' },
  { cidr: '64:ff9b:1::/48', name: 'NAT64 local-use prefix', ref: 'RFC 8215' },
  { cidr: '100::/64', name: 'discard-only', ref: 'RFC 6666' },
  { cidr: '2001::/23', name: 'IETF protocol assignments (incl. Teredo 2001::/32)', ref: 'RFC 2928, RFC 4380' },
  { cidr: '2001:db8::/32', name: 'documentation', ref: 'RFC 3849' },
  { cidr: '2002::/16', name: '6to4', ref: 'RFC 3056' },
  { cidr: '3fff::/20', name: 'documentation', ref: 'RFC 9637' },
  { cidr: 'fc00::/7', name: 'unique-local', ref: 'RFC 4193' },
  { cidr: 'fe80::/10', name: 'link-local unicast', ref: 'RFC 4291' },
  { cidr: 'ff00::/8', name: 'multicast', ref: 'RFC 4291' },
];

/** How an IPv4 address was found inside an IPv6 one. */
export type Wrapping = 'mapped' | '6to4' | 'teredo' | 'nat64';

export interface SpecialMatch {
  /** The registered range that matched (for an unwrapped match: the IPv4 range). */
  cidr: string;
  name: string;
  ref: string;
  /** Set when the match is on an IPv4 address embedded in the IPv6 input. */
  via?: Wrapping;
  embedded?: string;
}

const BY_CIDR = new Map<string, SpecialRangeDef>([...SPECIAL_V4, ...SPECIAL_V6].map((d) => [d.cidr, d]));
const V4_SET = new CidrSet(SPECIAL_V4.map((d) => d.cidr));
const V6_SET = new CidrSet(SPECIAL_V6.map((d) => d.cidr));

const GLOBAL_UNICAST_TOP3 = 0b001n; // 2000::/3
const MASK_32 = 0xffffffffn;

/** The IPv4 address embedded in an IPv6 transition form, if any (6to4, Teredo client, NAT64 WKP). */
export function embeddedV4(n: bigint): { via: Wrapping; v4: number } | null {
  if (n >> 32n === 0xffffn) return { via: 'mapped', v4: Number(n & MASK_32) };
  // 6to4 (RFC 3056 §2): 2002:AABB:CCDD::/48 carries A.B.C.D in bits 16..47.
  if (n >> 112n === 0x2002n) return { via: '6to4', v4: Number((n >> 80n) & MASK_32) };
  // Teredo (RFC 4380 §4): 2001:0000::/32; the client's public IPv4 is the last 32 bits, inverted.
  if (n >> 96n === 0x20010000n) return { via: 'teredo', v4: Number((n & MASK_32) ^ MASK_32) };
  // NAT64 well-known prefix (RFC 6052 §2.2): 64:ff9b::/96 carries the IPv4 in the last 32 bits.
  if (n >> 32n === 0x64ff9b0000000000000000n) return { via: 'nat64', v4: Number(n & MASK_32) };
  return null;
}

function def(cidr: string): SpecialRangeDef {
  return BY_CIDR.get(cidr) ?? { cidr, name: 'special-purpose', ref: 'RFC 6890' };
}

function matchValue(v: IpValue): SpecialMatch | null {
  if (v.v === 4) {
    const hit = V4_SET.match(v);
    return hit === null ? null : { ...def(hit) };
  }
  // An embedded IPv4 that is itself special is the more telling reason (e.g. 6to4 of 10.0.0.1).
  const emb = embeddedV4(v.n);
  if (emb !== null) {
    const inner = V4_SET.match({ v: 4, n: emb.v4 });
    if (inner !== null) return { ...def(inner), via: emb.via, embedded: v4ToString(emb.v4) };
  }
  const hit = V6_SET.match(v);
  if (hit !== null) {
    const d = def(hit);
    return emb === null ? { ...d } : { ...d, via: emb.via, embedded: v4ToString(emb.v4) };
  }
  if (v.n >> 125n !== GLOBAL_UNICAST_TOP3) {
    return { cidr: '2000::/3', name: 'outside global unicast', ref: 'IANA IPv6 Address Space registry, RFC 4291 §2.4' };
  }
  return null;
}

/**
 * The special-purpose range `ip` falls in, or null for an ordinary global address. Unparseable
 * input is reported as special (a "range" named `not an IP address`): callers use this as a
 * never-nominate gate, so it must fail closed. Transition forms (6to4, Teredo, NAT64) are always
 * special: the host that really sent the mail is the embedded IPv4, which we did not see.
 */
export function specialPurpose(ip: string | IpValue): SpecialMatch | null {
  const v = typeof ip === 'string' ? toValue(ip) : ip;
  if (v === null) return { cidr: '', name: 'not an IP address', ref: 'RFC 6890' };
  return matchValue(v);
}
