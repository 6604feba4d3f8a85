// Aggregation keys and reverse-DNS names for an address.
import { toValue, v4ToString, v6ToString } from './value.js';

const MASK_64_HIGH = ((1n << 64n) - 1n) << 64n;

/**
 * The nomination key: the IPv4 address itself, or the IPv6 /64 as `2001:db8:1:2::/64` (IPv6
 * hosts rotate within their /64; Spamikaze and Spamhaus CSS aggregate the same way). Null for non-IPs.
 */
export function nominationKey(ip: string): string | null {
  const v = toValue(ip);
  if (v === null) return null;
  if (v.v === 4) return v4ToString(v.n);
  return `${v6ToString(v.n & MASK_64_HIGH)}/64`;
}

/** The PTR query name: `4.3.2.1.in-addr.arpa` or the 32-nibble `ip6.arpa` name (RFC 3596 §2.5). Null for non-IPs. */
export function reverseName(ip: string): string | null {
  const v = toValue(ip);
  if (v === null) return null;
  if (v.v === 4) {
    const n = v.n;
    return `${n & 255}.${(n >>> 8) & 255}.${(n >>> 16) & 255}.${(n >>> 24) & 255}.in-addr.arpa`;
  }
  const hex = v.n.toString(16).padStart(32, '0');
  return `${[...hex].reverse().join('.')}.ip6.arpa`;
}
