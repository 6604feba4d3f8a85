// Body URL extraction: one linear regex pass per body, normalised, de-duplicated, bounded. Never fetches.
import { getDomain } from 'tldts';
import { cut } from './text.js';

/**
 * One alternation, scanned once: an HTML URL attribute (quoted or bare value) or a bare URL.
 * When the attribute branch matches, scanning resumes after the value, so its URL is not counted twice.
 * Character classes are negated sets without nested quantifiers: no catastrophic backtracking.
 */
const URL_SCAN_RE =
  /\b(?:href|src|action|background|poster|data-src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))|\b((?:https?:\/\/|www\.)[^\s<>"'`{}|\\^]+)/gi;

/** Punctuation that ends a sentence rather than a URL written in prose. */
const TRAILING_PUNCT_RE = /[.,;:!?)\]]+$/;

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Decode the HTML character references that appear in URLs (`&amp;`, `&#104;`, `&#x68;`). */
function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,6});?/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return NAMED_ENTITIES[e.toLowerCase()] ?? m;
  });
}

/** Collects URLs from several bodies into one bounded, ordered, de-duplicated list. */
export class UrlCollector {
  readonly urls: string[] = [];
  /** Registrable domains of the kept URLs, in order of first appearance. */
  readonly domains = new Set<string>();
  private readonly seen = new Set<string>();
  /** URLs dropped because the limit was reached (at least this many: scanning stops early). */
  dropped = 0;
  tooLong = 0;
  scanTruncated = false;

  constructor(
    private readonly maxUrls: number,
    private readonly maxUrlChars: number,
    private readonly maxScanChars: number,
  ) {}

  get full(): boolean {
    return this.urls.length >= this.maxUrls;
  }

  /** Scan one body (plain text or HTML; entity decoding is harmless on text). */
  scan(body: string): void {
    if (body === '') return;
    let text = body;
    if (text.length > this.maxScanChars) {
      text = text.slice(0, this.maxScanChars);
      this.scanTruncated = true;
    }
    URL_SCAN_RE.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = URL_SCAN_RE.exec(text)) !== null) {
      const bare = m[4];
      const candidate = bare !== undefined ? bare.replace(TRAILING_PUNCT_RE, '') : (m[1] ?? m[2] ?? m[3] ?? '');
      this.add(decodeEntities(candidate).trim());
      if (this.dropped > 0) break;
    }
  }

  private add(candidate: string): void {
    const url = normaliseUrl(candidate);
    if (url === null) return;
    let kept = url.href;
    if (kept.length > this.maxUrlChars) {
      kept = cut(kept, this.maxUrlChars);
      if (!this.seen.has(kept)) this.tooLong++;
    }
    if (this.seen.has(kept)) return;
    if (this.full) {
      this.dropped++;
      return;
    }
    this.seen.add(kept);
    this.urls.push(kept);
    this.domains.add(registrableDomain(url.hostname));
  }
}

/** An absolute http(s) URL in WHATWG form, or null for anything else (mailto:, cid:, relative, junk). */
export function normaliseUrl(candidate: string): { href: string; hostname: string } | null {
  if (candidate.length < 4) return null;
  let abs = candidate;
  const lower = candidate.slice(0, 8).toLowerCase();
  if (lower.startsWith('//')) abs = 'http:' + candidate;
  else if (lower.startsWith('www.')) abs = 'http://' + candidate;
  else if (!lower.startsWith('http://') && !lower.startsWith('https://')) return null;
  let u: URL;
  try {
    u = new URL(abs);
  } catch {
    return null;
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.hostname === '') return null;
  return { href: u.href, hostname: u.hostname };
}

/**
 * The registrable domain (eTLD+1, ICANN section of the public suffix list) of a WHATWG hostname.
 * An IP literal host stands for itself (links to bare IPs are a campaign marker analysts search
 * for); a host with no known suffix is kept whole.
 */
export function registrableDomain(hostname: string): string {
  if (hostname.startsWith('[') && hostname.endsWith(']')) return hostname.slice(1, -1);
  if (/^[0-9.]+$/.test(hostname)) return hostname;
  return getDomain(hostname, { extractHostname: false }) ?? hostname;
}
