// Small string helpers shared by the extractors: bounding, domain normalisation, decode checks.
import { domainToASCII } from 'node:url';

/** Cut `s` to `max` characters without leaving a lone high surrogate at the end. */
export function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  const end = s.charCodeAt(max - 1) >= 0xd800 && s.charCodeAt(max - 1) <= 0xdbff ? max - 1 : max;
  return s.slice(0, end);
}

/**
 * A domain as analysts search it: lower-case ASCII (punycode for IDNs), no trailing dot.
 * Falls back to the lower-cased input when it is not a valid IDN, so nothing is silently lost.
 */
export function normaliseDomain(d: string): string {
  const t = d.trim().replace(/\.$/, '').toLowerCase();
  if (t === '') return t;
  // ASCII-only names need no IDNA processing (the common case, and much cheaper).
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(t)) return t;
  const a = domainToASCII(t);
  return a === '' ? t : a;
}

/** The domain part of an address (after the last `@`), normalised; null when there is none. */
export function addressDomain(addr: string): string | null {
  const at = addr.lastIndexOf('@');
  if (at < 0 || at === addr.length - 1) return null;
  const d = normaliseDomain(addr.slice(at + 1).replace(/>+$/, ''));
  return d === '' ? null : d;
}

/** True when a decoded header value shows signs of a failed decode. */
export function looksMisdecoded(s: string): boolean {
  return s.includes('\uFFFD') || /=\?[^?\s]+\?[bqBQ]\?[^?\s]*\?=/.test(s);
}

/** An address as analysts search it: lower-cased, its domain in ASCII (punycode) form. */
export function normaliseAddress(addr: string): string {
  const at = addr.lastIndexOf('@');
  if (at < 0) return addr.trim().toLowerCase();
  return `${addr.slice(0, at).trim().toLowerCase()}@${normaliseDomain(addr.slice(at + 1))}`;
}
