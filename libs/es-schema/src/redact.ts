// Trap-address redaction: replaces recipient addresses and their common encodings with stable `trap-<hex>` tokens.
import { createHash, createHmac } from 'node:crypto';

/** Addresses shorter than this are not worth a pattern (and would redact innocent text). */
const MIN_ADDRESS_CHARS = 3;
/** A base64 fragment shorter than this matches too much unrelated text. */
const MIN_BASE64_CORE = 8;
/** Recipients considered per message; a crafted RCPT/To list cannot build an unbounded regex. */
const MAX_REDACTED_ADDRESSES = 200;

export interface Redactor {
  /** Replaces every known trap address (and encoded form) in `s` with its token. */
  redact(s: string): string;
  /** The stable token for an address (`trap-` + 8 hex). */
  token(address: string): string;
  /** Tokens of all addresses this redactor knows, in input order. */
  readonly tokens: string[];
  /** The normalised addresses (lower-cased); restricted fields only. */
  readonly addresses: string[];
}

/** `<Trap@Example.org>` -> `trap@example.org`. */
export function normaliseAddress(a: string): string {
  return a.trim().replace(/^<+/, '').replace(/>+$/, '').trim().toLowerCase();
}

// Bounded quantifiers (RFC 5321: local part 64, domain 255) keep the scan linear on hostile text.
const ADDRESS_IN_TEXT_RE = /[^\s<>"'(),;:[\]@]{1,64}@[^\s<>"'(),;:[\]@]{1,255}/g;
/** Header values and `for` clauses longer than this are cut before looking for addresses. */
const MAX_SCAN_CHARS = 4096;
/** Addresses taken from one text. */
const MAX_ADDRESSES_PER_TEXT = 50;

/** Email addresses found in free text such as a Received `for` clause or a Delivered-To header. */
export function addressesIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.slice(0, MAX_SCAN_CHARS).matchAll(ADDRESS_IN_TEXT_RE)) {
    out.push(normaliseAddress(m[0]).replace(/\.+$/, ''));
    if (out.length >= MAX_ADDRESSES_PER_TEXT) break;
  }
  return out;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** Base64 fragments of `bytes` that stay the same whatever precedes it (3 alignments), std and URL-safe. */
function base64Cores(bytes: Buffer): string[] {
  const out: string[] = [];
  for (let k = 0; k < 3; k++) {
    const padded = Buffer.concat([Buffer.alloc(k), bytes]);
    let b64 = padded.toString('base64').replace(/=+$/, '');
    // Drop the first group when it mixes prefix bytes, and the last partial group (it mixes suffix bytes).
    const start = k === 0 ? 0 : 4;
    const fullChars = Math.floor(padded.length / 3) * 4;
    b64 = b64.slice(start, fullChars);
    if (b64.length >= MIN_BASE64_CORE) {
      out.push(b64);
      out.push(b64.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return out;
}

function encodedForms(addr: string): string[] {
  const forms = new Set<string>([addr, encodeURIComponent(addr), addr.replace('@', '%40')]);
  for (const core of base64Cores(Buffer.from(addr, 'utf8'))) forms.add(core);
  // Tracking links often carry a hash of the address instead of the address itself.
  for (const alg of ['md5', 'sha1', 'sha256']) forms.add(createHash(alg).update(addr).digest('hex'));
  return [...forms];
}

/**
 * A redactor for one message's recipients. `secret` (optional) keys the token with HMAC so that a
 * token cannot be confirmed by hashing a guessed address; without it the token is sha256-based.
 * `trapDomains`: any plain address at one of these domains is redacted too, even when it is not a
 * known recipient of this message (e.g. RCPT lines in a session transcript).
 */
export function createRedactor(addresses: readonly string[], secret: string = '', trapDomains: readonly string[] = []): Redactor {
  const norm: string[] = [];
  for (const a of addresses) {
    const n = normaliseAddress(a);
    if (n.length >= MIN_ADDRESS_CHARS && !norm.includes(n)) norm.push(n);
    if (norm.length >= MAX_REDACTED_ADDRESSES) break;
  }
  const token = (address: string): string => {
    const n = normaliseAddress(address);
    const h = secret === '' ? createHash('sha256').update(n) : createHmac('sha256', secret).update(n);
    return `trap-${h.digest('hex').slice(0, 8)}`;
  };
  const byForm = new Map<string, string>();
  for (const a of norm) {
    const t = token(a);
    for (const f of encodedForms(a)) if (!byForm.has(f.toLowerCase())) byForm.set(f.toLowerCase(), t);
  }
  // Longest forms first so an address wins over a shorter fragment of its base64.
  const forms = [...byForm.keys()].sort((x, y) => y.length - x.length);
  const re = forms.length === 0 ? null : new RegExp(forms.map(escapeRe).join('|'), 'gi');
  const domains = trapDomains.map((d) => d.trim().toLowerCase()).filter((d) => d !== '');
  const domainRe =
    domains.length === 0 ? null : new RegExp(`[^\\s<>"'(),;:[\\]@]{1,64}@(?:${domains.map(escapeRe).join('|')})(?![a-z0-9.-]{0,255}[a-z0-9])`, 'gi');
  return {
    redact(s: string): string {
      if (s === '') return s;
      let out = re === null ? s : s.replace(re, (m) => byForm.get(m.toLowerCase()) ?? 'trap-redacted');
      if (domainRe !== null) out = out.replace(domainRe, (m) => token(m));
      return out;
    },
    token,
    tokens: norm.map(token),
    addresses: norm,
  };
}

/** Redacts every string in a JSON value, except under the keys listed in `skip` (top-level path match). */
export function redactDeep<T>(value: T, redactor: Redactor, skip: (path: string) => boolean = () => false, path = ''): T {
  if (typeof value === 'string') return redactor.redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v as unknown, redactor, skip, path)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const p = path === '' ? k : `${path}.${k}`;
      out[k] = skip(p) ? v : redactDeep(v, redactor, skip, p);
    }
    return out as T;
  }
  return value;
}
