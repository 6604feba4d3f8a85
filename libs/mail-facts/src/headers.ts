// Reading header values out of mailparser's results, plus the raw header block used by the fallback.
import type { AddressObject, HeaderLines, Headers, HeaderValue, StructuredHeader } from 'mailparser';

/**
 * Headers copied into `extraHeaders` because they point at the injecting script, account or client
 * (webmail and compromised-CMS spam). Recipient-bearing headers (To, Delivered-To, List-Unsubscribe)
 * are deliberately absent: they carry trap addresses.
 */
export const EXTRA_HEADER_NAMES: readonly string[] = [
  'x-php-originating-script',
  'x-php-script',
  'x-originating-ip',
  'x-originating-email',
  'x-source',
  'x-source-args',
  'x-source-dir',
  'x-authenticated-sender',
  'x-authentication-warning',
  'x-get-message-sender-via',
  'x-sender',
  'user-agent',
  'x-newsreader',
  'x-mimeole',
  'organization',
];

/** Occurrences of one extra header joined into its value; more are junk repetition. */
export const MAX_EXTRA_HEADER_OCCURRENCES = 4;

/** All string values of a header in the parsed map (a repeated header is an array). */
export function headerStrings(headers: Headers, name: string): string[] {
  const v: HeaderValue | undefined = headers.get(name);
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

export function structuredHeader(headers: Headers, name: string): StructuredHeader | null {
  const v = headers.get(name);
  if (typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && 'value' in v && 'params' in v) {
    return v as StructuredHeader;
  }
  return null;
}

/** Every mailbox address in an address header (group members included), in order. */
export function addresses(value: AddressObject | AddressObject[] | undefined | HeaderValue): string[] {
  const out: string[] = [];
  const objs = Array.isArray(value) ? value : value === undefined ? [] : [value];
  for (const o of objs) {
    if (typeof o !== 'object' || o === null || !('value' in o) || !Array.isArray(o.value)) continue;
    for (const e of (o as AddressObject).value) {
      if (e.address !== undefined && e.address !== '') out.push(e.address);
      for (const g of e.group ?? []) if (g.address !== undefined && g.address !== '') out.push(g.address);
    }
  }
  return out;
}

/** The unfolded value of the first raw header line named `key` (lower-case), or null. */
export function rawHeaderValue(lines: HeaderLines, key: string): string | null {
  for (const l of lines) {
    if (l.key !== key) continue;
    const colon = l.line.indexOf(':');
    return l.line.slice(colon + 1).replace(/\r?\n[ \t]*/g, ' ').trim();
  }
  return null;
}

/**
 * The header block of a message, cut to at most `maxBytes` at a line end, followed by a blank line,
 * for the header-only fallback parse. `truncated` says whether the cut removed header lines.
 */
export function headerBlock(raw: Buffer, maxBytes: number): { head: Buffer; truncated: boolean } {
  const window = raw.subarray(0, maxBytes);
  const crlf = window.indexOf('\r\n\r\n');
  const lf = window.indexOf('\n\n');
  const ends = [crlf, lf].filter((i) => i >= 0);
  if (ends.length > 0) {
    const end = Math.min(...ends);
    return { head: Buffer.concat([raw.subarray(0, end), Buffer.from('\r\n\r\n')]), truncated: false };
  }
  const truncated = raw.length > maxBytes;
  const lastNl = window.lastIndexOf('\n');
  const body = truncated && lastNl > 0 ? window.subarray(0, lastNl) : window;
  return { head: Buffer.concat([body, Buffer.from('\r\n\r\n')]), truncated };
}
