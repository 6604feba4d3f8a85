// Parses a PROXY protocol v1 header line (haproxy proxy-protocol.txt section 2.1) from a trusted front.
import { isIPv4, isIPv6 } from 'node:net';

export type ProxyHeader =
  | { kind: 'tcp'; srcIp: string; dstIp: string; srcPort: number; dstPort: number }
  /** `PROXY UNKNOWN`: the front could not tell (health check); use the socket's addresses. */
  | { kind: 'unknown' };

/** Parse the header line without its CRLF; null when it is not a valid v1 header. */
export function parseProxyV1(line: string): ProxyHeader | null {
  const parts = line.split(' ');
  if (parts[0] !== 'PROXY') return null;
  if (parts[1] === 'UNKNOWN') return { kind: 'unknown' };
  if (parts.length !== 6) return null;
  const [, proto, src, dst, sp, dp] = parts as [string, string, string, string, string, string];
  const ok = proto === 'TCP4' ? isIPv4(src) && isIPv4(dst) : proto === 'TCP6' ? isIPv6(src) && isIPv6(dst) : false;
  if (!ok) return null;
  const port = (s: string): number => (/^\d{1,5}$/.test(s) && Number(s) <= 65535 ? Number(s) : -1);
  const srcPort = port(sp);
  const dstPort = port(dp);
  if (srcPort < 0 || dstPort < 0) return null;
  return { kind: 'tcp', srcIp: src.toLowerCase(), dstIp: dst.toLowerCase(), srcPort, dstPort };
}

/** Drops the IPv4-mapped prefix a dual-stack socket reports, so lists and facts use plain IPv4. */
export function normalizeIp(ip: string | undefined): string {
  if (ip === undefined) return '';
  const t = ip.toLowerCase();
  return t.startsWith('::ffff:') && isIPv4(t.slice(7)) ? t.slice(7) : t;
}
