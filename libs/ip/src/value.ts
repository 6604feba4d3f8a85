// Canonical IP text and its numeric value: the one place that parses addresses (via ip-address).
import { Address6 } from 'ip-address';

/** A parsed address: IPv4 as an unsigned 32-bit number, IPv6 as a 128-bit bigint. */
export type IpValue = { v: 4; n: number } | { v: 6; n: bigint };

/** Longest text we try to parse: a full IPv6 with embedded IPv4, brackets, prefix and a zone fits easily. */
const MAX_IP_TEXT = 100;

const V4_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
// ::ffff:0:0/96 (RFC 4291 §2.5.5.2): an IPv4 host seen through a dual-stack socket.
const MAPPED_PREFIX = 0xffffn << 32n;
const MASK_32 = 0xffffffffn;

/** Parse a dotted quad strictly: four decimal octets 0..255, no leading zeros (`010` is octal to some parsers). */
export function parseV4(s: string): number | null {
  const m = V4_RE.exec(s);
  if (m === null) return null;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const part = m[i]!;
    if (part.length > 1 && part.charCodeAt(0) === 48) return null;
    const o = Number(part);
    if (o > 255) return null;
    n = n * 256 + o;
  }
  return n;
}

export function v4ToString(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export function v6ToString(n: bigint): string {
  const hit = V6_TEXT_MEMO.get(n);
  if (hit !== undefined) return hit;
  const text = Address6.fromBigInt(n).correctForm();
  if (V6_TEXT_MEMO.size >= V6_MEMO_MAX) V6_TEXT_MEMO.clear();
  V6_TEXT_MEMO.set(n, text);
  return text;
}

/** Strip what MTAs wrap addresses in: whitespace, `[...]`, `IPv6:` (RFC 5321 §4.1.3), a `%zone`. */
function unwrapText(input: string): string {
  let s = input.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1).trim();
  if (/^ipv6:/i.test(s)) s = s.slice(5);
  const pct = s.indexOf('%');
  if (pct >= 0 && s.includes(':')) s = s.slice(0, pct);
  return s;
}

/** Parse any textual form to a value; IPv4-mapped IPv6 becomes IPv4. Null on anything else. */
export function toValue(input: unknown): IpValue | null {
  if (typeof input !== 'string' || input.length === 0 || input.length > MAX_IP_TEXT) return null;
  const s = unwrapText(input);
  const v4 = parseV4(s);
  if (v4 !== null) return { v: 4, n: v4 };
  // ip-address accepts prefixes ("/64") and other decorations; an address here is only hex, ':' and '.'.
  if (!/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(':')) return null;
  const cached = V6_MEMO.get(s);
  if (cached !== undefined) return cached;
  const v = parseV6(s);
  if (V6_MEMO.size >= V6_MEMO_MAX) V6_MEMO.clear();
  V6_MEMO.set(s, v);
  return v;
}

/**
 * IPv6 parsing through ip-address is the costliest step of a verdict and the same peer is parsed
 * several times per message (and across messages): memoise, bounded. Values are immutable.
 */
const V6_MEMO = new Map<string, IpValue | null>();
/** 10,000 entries of a few hundred bytes each: a few MB at most; cleared wholesale when full. */
const V6_MEMO_MAX = 10_000;
const V6_TEXT_MEMO = new Map<bigint, string>();

function parseV6(s: string): IpValue | null {
  let n: bigint;
  try {
    if (!Address6.isValid(s)) return null;
    n = new Address6(s).bigInt();
  } catch {
    return null;
  }
  if (n >> 32n === MAPPED_PREFIX >> 32n) return { v: 4, n: Number(n & MASK_32) };
  return { v: 6, n };
}

export function valueToString(v: IpValue): string {
  return v.v === 4 ? v4ToString(v.n) : v6ToString(v.n);
}

/**
 * Canonical text of an address, or null when `input` is not one: IPv4 dotted quad, IPv6 in
 * RFC 5952 compressed lower case; brackets, `IPv6:` and zones stripped; `::ffff:a.b.c.d` -> `a.b.c.d`.
 */
export function parseIp(input: unknown): string | null {
  const v = toValue(input);
  return v === null ? null : valueToString(v);
}
