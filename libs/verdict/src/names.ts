// Host-name helpers: normalisation, the host part left of the registrable domain, and whole-token splitting.
import { parse } from 'tldts';

/** Longest DNS name (RFC 1035 §2.3.4: 255 octets); anything longer is not a host name and is cut. */
export const MAX_NAME = 255;

/** A string shown in a reason's facts, bounded to MAX_NAME characters (hostile headers can be huge). */
export function clip(s: string | null): string | null {
  if (s === null) return null;
  return s.length > MAX_NAME ? `${s.slice(0, MAX_NAME)}…` : s;
}

/** Lower-case, trim, drop one trailing dot; bounded so hostile input costs nothing. */
export function normName(name: string): string {
  let s = name.trim().toLowerCase();
  if (s.length > MAX_NAME) s = s.slice(0, MAX_NAME);
  if (s.endsWith('.')) s = s.slice(0, -1);
  return s;
}

export interface NameParts {
  name: string;
  /** Registrable domain (eTLD+1), or null for single labels / unknown suffixes. */
  domain: string | null;
  /** Labels left of the registrable domain ('' when none); the part an ISP names per customer. */
  host: string;
}

/** Split a name into its registrable domain and host part (tldts, ICANN suffixes only). */
export function nameParts(raw: string): NameParts {
  const name = normName(raw);
  const p = parse(name);
  const domain = p.domain ?? null;
  const host = domain === null ? name : p.subdomain ?? '';
  return { name, domain, host };
}

/**
 * Whole tokens of a name part: split on `.`, `-`, `_` and at letter/digit boundaries, so
 * `dhcp024` -> `dhcp`, `024` and `liverpool` stays `liverpool` (not a `pool`).
 */
export function tokens(part: string): string[] {
  const out: string[] = [];
  for (const chunk of part.split(/[.\-_]+/)) {
    if (chunk === '') continue;
    const pieces = chunk.match(/[a-z]+|[0-9]+|[^a-z0-9]+/g);
    if (pieces !== null) for (const p of pieces) out.push(p);
  }
  return out;
}

/** `*.example.net` matches subdomains of example.net, a plain name matches itself; case-insensitive. */
export function compileHostPatterns(patterns: readonly string[]): (name: string) => string | null {
  const exact = new Map<string, string>();
  const suffixes: [string, string][] = [];
  for (const p of patterns) {
    const n = normName(p);
    if (n.startsWith('*.')) suffixes.push([n.slice(1), p]);
    else exact.set(n, p);
  }
  return (name: string) => {
    const n = normName(name);
    const hit = exact.get(n);
    if (hit !== undefined) return hit;
    for (const [suffix, p] of suffixes) if (n.endsWith(suffix) && n.length > suffix.length) return p;
    return null;
  };
}
