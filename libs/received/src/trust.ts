// Trust list: host-name patterns and CIDR networks naming the operator's own receivers, validated at compile time.
import { cidrContains, parseCidr, parseIp, type Cidr } from './ip.js';

/** A compiled trust list. */
export interface TrustList {
  /** Exact host names, lower-case, no trailing dot. */
  exact: Set<string>;
  /** Suffixes from `*.example.net` entries, stored as `.example.net` (subdomains only, not the apex). */
  suffixes: string[];
  nets: Cidr[];
  /** The entries as given, for display. */
  entries: string[];
}

/** Thrown by compileTrustList with one line per bad entry. */
export class TrustListError extends Error {
  override name = 'TrustListError';
  constructor(readonly lines: string[]) {
    super(lines.join('; '));
  }
}

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

function validHost(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  return name.split('.').every((l) => LABEL.test(l));
}

/**
 * Compiles entries such as `*.mx.example.net`, `mx.example.net`, `localhost`, `192.0.2.0/24`, `2001:db8::/32`
 * or a bare IP. Throws TrustListError naming every bad entry and why.
 */
export function compileTrustList(entries: string[]): TrustList {
  const out: TrustList = { exact: new Set(), suffixes: [], nets: [], entries: [] };
  const errors: string[] = [];
  for (const raw of entries) {
    const e = raw.trim();
    if (e === '' || e.startsWith('#')) continue;
    out.entries.push(e);
    const looksIp = e.includes('/') || /^[0-9.]+$/.test(e) || e.includes(':');
    if (looksIp) {
      const c = parseCidr(e);
      if (typeof c === 'string') errors.push(`trust entry "${e}": ${c}`);
      else out.nets.push(c);
      continue;
    }
    const name = e.toLowerCase().replace(/\.$/, '');
    if (name.startsWith('*.')) {
      const rest = name.slice(2);
      if (!validHost(rest) || !rest.includes('.')) errors.push(`trust entry "${e}": a wildcard needs a domain with at least two labels after "*."`);
      else out.suffixes.push('.' + rest);
      continue;
    }
    if (name.includes('*')) {
      errors.push(`trust entry "${e}": "*" is only allowed as the whole first label ("*.example.net")`);
      continue;
    }
    if (!validHost(name)) errors.push(`trust entry "${e}": not a host name, pattern or CIDR network`);
    else out.exact.add(name);
  }
  if (errors.length > 0) throw new TrustListError(errors);
  return out;
}

/** True when a host name matches an exact entry or a `*.` suffix. */
export function hostTrusted(list: TrustList, host: string | null | undefined): boolean {
  if (!host) return false;
  const h = host.toLowerCase().replace(/\.$/, '');
  if (list.exact.has(h)) return true;
  for (const s of list.suffixes) if (h.endsWith(s)) return true;
  return false;
}

/** True when a (normalised) IP lies in one of the networks. */
export function ipTrusted(list: TrustList, ip: string | null | undefined): boolean {
  if (!ip || list.nets.length === 0) return false;
  const p = parseIp(ip);
  if (!p) return false;
  for (const n of list.nets) if (cidrContains(n, p)) return true;
  return false;
}
