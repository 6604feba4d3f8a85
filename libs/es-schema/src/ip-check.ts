// IP syntax checks without node:net (pure lib): a value mapped as `ip` that does not parse rejects the whole document.

const IPV4_RE = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** True for a dotted-quad IPv4 or an IPv6 address (no zone, no brackets, no prefix length). */
export function isIp(s: unknown): s is string {
  if (typeof s !== 'string' || s.length === 0 || s.length > 45) return false;
  if (IPV4_RE.test(s)) return true;
  if (!s.includes(':') || !/^[0-9a-fA-F:.]+$/.test(s)) return false;
  try {
    // The WHATWG URL parser implements the full IPv6 grammar (including embedded IPv4).
    new URL(`http://[${s}]/`);
    return true;
  } catch {
    return false;
  }
}

/** Only the values that are IPs, de-duplicated, at most `max`. */
export function ipList(items: readonly unknown[], max: number): string[] {
  const out = new Set<string>();
  for (const it of items) {
    if (isIp(it)) out.add(it);
    if (out.size >= max) break;
  }
  return [...out];
}
