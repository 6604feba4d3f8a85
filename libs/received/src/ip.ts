// Minimal IP parsing, normalisation, CIDR matching and private/reserved classification (pure, no I/O).

/** A parsed address: IPv4 as 4 bytes or IPv6 as 16 bytes. */
export interface IpBytes {
  v: 4 | 6;
  b: Uint8Array;
}

function parseV4(s: string): Uint8Array | null {
  const out = new Uint8Array(4);
  let part = 0;
  let val = 0;
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      val = val * 10 + (c - 48);
      digits++;
      if (digits > 3 || val > 255) return null;
    } else if (c === 46) {
      if (digits === 0 || part >= 3) return null;
      out[part++] = val;
      val = 0;
      digits = 0;
    } else return null;
  }
  if (digits === 0 || part !== 3) return null;
  out[3] = val;
  return out;
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Scratch groups for parseV6 (synchronous, so one array serves every call: no allocation per address). */
const V6_GROUPS = new Array<number>(8).fill(0);

/** Hand-written IPv6 parser (no split/regex/closures: this is on the hot path of every header). */
function parseV6(s: string): Uint8Array | null {
  const n = s.length;
  if (n < 2 || n > 45) return null;
  const groups = V6_GROUPS;
  groups.fill(0);
  let count = 0;
  let gap = -1; // index in groups where "::" sits
  let i = 0;
  if (s.charCodeAt(0) === 58) {
    if (s.charCodeAt(1) !== 58) return null;
    gap = 0;
    i = 2;
    if (i === n) return new Uint8Array(16);
  }
  while (i < n) {
    if (count >= 8) return null;
    // Embedded IPv4 in the last 32 bits.
    let j = i;
    let val = 0;
    let digits = 0;
    while (j < n) {
      const h = hexVal(s.charCodeAt(j));
      if (h < 0) break;
      val = val * 16 + h;
      digits++;
      j++;
    }
    if (j < n && s.charCodeAt(j) === 46) {
      const v4 = parseV4(s.slice(i));
      if (!v4 || count > 6) return null;
      groups[count++] = ((v4[0] as number) << 8) | (v4[1] as number);
      groups[count++] = ((v4[2] as number) << 8) | (v4[3] as number);
      i = n;
      break;
    }
    if (digits === 0 || digits > 4) return null;
    groups[count++] = val;
    if (j === n) {
      i = n;
      break;
    }
    if (s.charCodeAt(j) !== 58) return null;
    if (j + 1 < n && s.charCodeAt(j + 1) === 58) {
      if (gap !== -1) return null;
      gap = count;
      i = j + 2;
      if (i === n) break;
    } else {
      i = j + 1;
      if (i === n) return null; // trailing single colon
    }
  }
  if (gap === -1 && count !== 8) return null;
  if (gap !== -1 && count > 7) return null;
  const out = new Uint8Array(16);
  const tail = gap === -1 ? 0 : count - gap;
  for (let k = 0; k < count; k++) {
    const pos = gap !== -1 && k >= gap ? 8 - tail + (k - gap) : k;
    out[pos * 2] = (groups[k] as number) >> 8;
    out[pos * 2 + 1] = (groups[k] as number) & 0xff;
  }
  return out;
}

/** Parses a bare IPv4 or IPv6 address (no brackets, no zone). IPv4-mapped IPv6 becomes IPv4. */
export function parseIp(s: string): IpBytes | null {
  if (s.includes(':')) {
    const b = parseV6(s);
    if (!b) return null;
    if (isMapped(b)) return { v: 4, b: b.slice(12) };
    return { v: 6, b };
  }
  const b = parseV4(s);
  return b ? { v: 4, b } : null;
}

function isMapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** Groups [from, to) as lower-case hex joined by ":" (a loop, not map/join closures: hot path). */
function hexJoin(g: number[], from: number, to: number): string {
  let out = '';
  for (let i = from; i < to; i++) out += (i > from ? ':' : '') + (g[i] as number).toString(16);
  return out;
}

/** Scratch groups for formatIp (synchronous: one array for every call). */
const FORMAT_GROUPS = new Array<number>(8).fill(0);

/** Canonical text: dotted quad for IPv4, RFC 5952 lower-case compressed form for IPv6. */
export function formatIp(ip: IpBytes): string {
  if (ip.v === 4) return `${ip.b[0]}.${ip.b[1]}.${ip.b[2]}.${ip.b[3]}`;
  const g = FORMAT_GROUPS;
  for (let i = 0; i < 8; i++) g[i] = ((ip.b[i * 2] as number) << 8) | (ip.b[i * 2 + 1] as number);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestStart === -1) return hexJoin(g, 0, 8);
  return `${hexJoin(g, 0, bestStart)}::${hexJoin(g, bestStart + bestLen, 8)}`;
}

/**
 * Normalises an address as MTAs write it: strips brackets, `IPv6:` prefix, `%zone`, ports
 * (`[ip]:port`, legacy Exim `ip.port`), and maps `::ffff:a.b.c.d` to IPv4. Returns null if not an IP.
 */
export function normaliseIp(raw: string): string | null {
  // Fast path for the common case, a plain canonical dotted quad: no allocation beyond the check.
  const quad = parseV4(raw);
  if (quad) {
    const canon = `${quad[0]}.${quad[1]}.${quad[2]}.${quad[3]}`;
    if (canon === raw) return raw;
  }
  let s = raw.trim();
  if (s.length === 0 || s.length > 80) return null;
  // Brackets possibly followed by a port: "[1.2.3.4]:25", "[IPv6:::1]]" (Exchange stray bracket).
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    s = close === -1 ? s.slice(1) : s.slice(1, close);
  } else if (s.endsWith(']')) s = s.slice(0, -1);
  if (s.length > 5 && s.slice(0, 5).toLowerCase() === 'ipv6:') s = s.slice(5);
  const pct = s.indexOf('%');
  if (pct !== -1) s = s.slice(0, pct);
  let ip = parseIp(s);
  if (!ip && !s.includes(':')) {
    // IPv4 with a port: "1.2.3.4:25" is handled below; legacy Exim "1.2.3.4.25" has five parts.
    const parts = s.split('.');
    if (parts.length === 5) ip = parseIp(parts.slice(0, 4).join('.'));
  }
  if (!ip) {
    const colon = s.lastIndexOf(':');
    if (colon > 0 && s.indexOf(':') === colon) ip = parseIp(s.slice(0, colon));
  }
  return ip ? formatIp(ip) : null;
}

/** True when the text is a canonical-able IP address. */
export function isIp(s: string): boolean {
  return parseIp(s) !== null;
}

/** A compiled CIDR network. */
export interface Cidr {
  v: 4 | 6;
  b: Uint8Array;
  prefix: number;
  text: string;
}

/** Parses `net/prefix` (or a bare address as a host route); returns an error string when malformed. */
export function parseCidr(text: string): Cidr | string {
  const slash = text.indexOf('/');
  const addr = slash === -1 ? text : text.slice(0, slash);
  const ip = parseIp(addr);
  if (!ip) return `"${addr}" is not an IPv4 or IPv6 address`;
  const max = ip.v === 4 ? 32 : 128;
  let prefix = max;
  if (slash !== -1) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return `prefix "${p}" is not a number`;
    prefix = Number(p);
    if (prefix > max) return `prefix /${prefix} is longer than ${max} bits`;
    // A v4-mapped IPv6 network was turned into IPv4 by parseIp: shift the prefix accordingly.
    if (addr.includes(':') && ip.v === 4) {
      if (prefix < 96) return `prefix /${prefix} on an IPv4-mapped network must be at least /96`;
      prefix -= 96;
    }
  }
  return { v: ip.v, b: ip.b, prefix, text };
}

/** True when `ip` lies inside `net`. */
export function cidrContains(net: Cidr, ip: IpBytes): boolean {
  if (net.v !== ip.v) return false;
  let bits = net.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((net.b[i] as number) & mask) !== ((ip.b[i] as number) & mask)) return false;
  }
  return true;
}

const SPECIAL: Array<[string, string]> = [
  ['0.0.0.0/8', 'this-network'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'shared-cgn'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'ietf-protocol'],
  ['192.0.2.0/24', 'documentation'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmarking'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['fc00::/7', 'unique-local'],
  ['fe80::/10', 'link-local'],
  ['2001:db8::/32', 'documentation'],
  ['ff00::/8', 'multicast'],
];
const SPECIAL_NETS: Array<[Cidr, string]> = SPECIAL.map(([t, label]) => [parseCidr(t) as Cidr, label]);

/**
 * The special-purpose class of an address (private, loopback, link-local, shared-cgn, documentation, ...),
 * or null for a globally routable one. Such an address is never a relay nominee.
 */
export function specialPurpose(ipText: string): string | null {
  const cached = SPECIAL_CACHE.get(ipText);
  if (cached !== undefined) return cached;
  const ip = parseIp(ipText);
  let label: string | null = ip ? null : 'invalid';
  if (ip) {
    for (const [net, l] of SPECIAL_NETS) {
      if (cidrContains(net, ip)) {
        label = l;
        break;
      }
    }
  }
  if (SPECIAL_CACHE.size >= SPECIAL_CACHE_MAX) SPECIAL_CACHE.clear();
  SPECIAL_CACHE.set(ipText, label);
  return label;
}

/** Memo of specialPurpose (4,096 entries, cleared when full): the walker asks about the same IPs repeatedly. */
const SPECIAL_CACHE_MAX = 4096;
const SPECIAL_CACHE = new Map<string, string | null>();

/** True for loopback addresses (127/8, ::1). */
export function isLoopback(ipText: string): boolean {
  return specialPurpose(ipText) === 'loopback';
}
