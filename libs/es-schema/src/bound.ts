// Small helpers that bound and clean untrusted strings and lists for indexing.
import { MAX_KEYWORD_CHARS } from './limits.js';

// NUL and other C0 controls (except tab/CR/LF) make keyword values unreadable in Kibana; replace them.
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** Trims to `max` characters (never splitting a surrogate pair) and replaces control characters. */
export function bound(s: string, max: number = MAX_KEYWORD_CHARS): string {
  // Cut first, then clean: the replacement is 1:1, and scanning a 10 MB string to keep 1 KB is waste.
  let out = s;
  if (out.length > max) {
    let cut = max;
    const code = out.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    out = out.slice(0, cut);
  }
  return out.replace(CONTROL_RE, '\ufffd');
}

/** Inputs inspected per list: duplicates cannot make boundList walk an unbounded list. */
const LIST_SCAN_FACTOR = 4;

/** `bound` for a possibly-missing value; empty strings become null. */
export function boundOrNull(s: string | null | undefined, max: number = MAX_KEYWORD_CHARS): string | null {
  if (typeof s !== 'string' || s === '') return null;
  return bound(s, max);
}

/** Distinct, bounded, non-empty strings, at most `maxItems`, in first-seen order. */
export function boundList(items: readonly unknown[] | null | undefined, maxItems: number, maxChars: number = MAX_KEYWORD_CHARS): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  if (!Array.isArray(items)) return out;
  for (const it of items.slice(0, maxItems * LIST_SCAN_FACTOR)) {
    if (typeof it !== 'string' || it === '') continue;
    const b = bound(it, maxChars);
    if (seen.has(b)) continue;
    seen.add(b);
    out.push(b);
    if (out.length >= maxItems) break;
  }
  return out;
}

/** A finite number or null (records come from JSON and may carry anything). */
export function numOrNull(n: unknown): number | null {
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

/** An ISO date string that Elasticsearch's strict_date_optional_time will accept, or null. */
export function dateOrNull(s: unknown): string | null {
  if (typeof s !== 'string' || s.length > 64) return null;
  const t = Date.parse(s);
  if (!Number.isFinite(t)) return null;
  const d = new Date(t);
  // ES date range: years 0000-9999 in ISO form; anything else would reject the whole document.
  if (d.getUTCFullYear() < 1 || d.getUTCFullYear() > 9999) return null;
  return d.toISOString();
}

/** A safe integer or null: `long` fields reject out-of-range values, which would cost the whole document. */
export function intOrNull(n: unknown): number | null {
  return typeof n === 'number' && Number.isSafeInteger(n) ? n : null;
}
