// CidrSet: a list of networks compiled once into sorted numeric ranges for fast membership tests.
import { parseV4, toValue, type IpValue } from './value.js';

export class CidrError extends Error {
  constructor(readonly entry: string, why: string) {
    super(`bad network "${entry.length > 60 ? entry.slice(0, 60) + '…' : entry}": ${why}`);
    this.name = 'CidrError';
  }
}

/** One network as inclusive numeric bounds, with the text it came from. */
interface Range<N> {
  lo: N;
  hi: N;
  entry: string;
  /** Highest `hi` among this range and every range sorted before it (stops the backwards scan). */
  maxHi: N;
}

export interface ParsedCidr {
  value: IpValue;
  prefix: number;
}

/** Parse `a.b.c.d/nn`, `v6::/nn` or a bare address (= /32 or /128). Host bits must be zero. */
export function parseCidr(entry: string): ParsedCidr {
  const t = entry.trim();
  const slash = t.indexOf('/');
  const addrText = slash < 0 ? t : t.slice(0, slash);
  const value = toValue(addrText);
  if (value === null) throw new CidrError(entry, 'not an IPv4 or IPv6 address');
  // An IPv4-mapped network written in IPv6 form keeps its prefix relative to 128 bits.
  const mappedV6 = value.v === 4 && parseV4(addrText.replace(/^\[|\]$/g, '')) === null;
  const bits = value.v === 4 ? 32 : 128;
  let prefix = bits;
  if (slash >= 0) {
    const p = t.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) throw new CidrError(entry, 'prefix length is not a number');
    prefix = Number(p);
    if (mappedV6) {
      if (prefix < 96 || prefix > 128) throw new CidrError(entry, 'IPv4-mapped prefix must be /96../128');
      prefix -= 96;
    }
    if (prefix > bits) throw new CidrError(entry, `prefix length must be 0..${bits}`);
  }
  if (value.v === 4) {
    const hostBits = 32 - prefix;
    const hostMask = hostBits === 32 ? 0xffffffff : (2 ** hostBits - 1);
    if ((value.n % (hostMask + 1)) !== 0) throw new CidrError(entry, 'host bits are set (did you mean the network address?)');
  } else {
    const hostMask = (1n << BigInt(128 - prefix)) - 1n;
    if ((value.n & hostMask) !== 0n) throw new CidrError(entry, 'host bits are set (did you mean the network address?)');
  }
  return { value, prefix };
}

function lowerBound<N extends number | bigint>(ranges: Range<N>[], n: N): number {
  // Index of the last range with lo <= n, or -1.
  let a = 0;
  let b = ranges.length - 1;
  let found = -1;
  while (a <= b) {
    const mid = (a + b) >> 1;
    if (ranges[mid]!.lo <= n) {
      found = mid;
      a = mid + 1;
    } else b = mid - 1;
  }
  return found;
}

/** Membership in a fixed set of networks. Overlaps are allowed; lookups are O(log n). */
export class CidrSet {
  private readonly v4: Range<number>[] = [];
  private readonly v6: Range<bigint>[] = [];
  /** Number of configured entries. */
  readonly size: number;

  /** Throws CidrError naming the first bad entry. */
  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const { value, prefix } = parseCidr(entry);
      if (value.v === 4) {
        const span = 2 ** (32 - prefix);
        this.v4.push({ lo: value.n, hi: value.n + span - 1, entry, maxHi: 0 });
      } else {
        const span = 1n << BigInt(128 - prefix);
        this.v6.push({ lo: value.n, hi: value.n + span - 1n, entry, maxHi: 0n });
      }
    }
    this.v4.sort((x, y) => x.lo - y.lo || y.hi - x.hi);
    this.v6.sort((x, y) => (x.lo < y.lo ? -1 : x.lo > y.lo ? 1 : x.hi > y.hi ? -1 : 1));
    fillMaxHi(this.v4);
    fillMaxHi(this.v6);
    this.size = this.v4.length + this.v6.length;
  }

  /** The configured entry containing `ip` (text or value), or null. Unparseable input -> null. */
  match(ip: string | IpValue): string | null {
    const v = typeof ip === 'string' ? toValue(ip) : ip;
    if (v === null) return null;
    if (v.v === 4) return scan(this.v4, v.n);
    return scan(this.v6, v.n);
  }

  has(ip: string | IpValue): boolean {
    return this.match(ip) !== null;
  }
}

function fillMaxHi<N extends number | bigint>(ranges: Range<N>[]): void {
  let max: N | null = null;
  for (const r of ranges) {
    if (max === null || r.hi > max) max = r.hi;
    r.maxHi = max;
  }
}

function scan<N extends number | bigint>(ranges: Range<N>[], n: N): string | null {
  // Ranges are sorted by lo, so any container has lo <= n. With nested or overlapping ranges the
  // container may sit left of the closest one; walk left while some earlier range can still reach n.
  for (let i = lowerBound(ranges, n); i >= 0; i--) {
    const r = ranges[i]!;
    if (r.maxHi < n) return null;
    if (r.hi >= n) return r.entry;
  }
  return null;
}
