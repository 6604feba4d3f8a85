// Which RCPT TO addresses are traps: exact addresses, whole domains and wildcard subdomains; all else is refused.
import { domainToASCII } from 'node:url';

export type RcptVerdict =
  | { accept: true }
  | {
      accept: false;
      /** Metric label and log reason. */
      reason: 'not_trap' | 'percent_hack' | 'bang_path' | 'no_domain' | 'address_literal';
      /** SMTP reply text, with the enhanced status code first. */
      message: string;
    };

/** Lower-case ASCII (punycode) form of a domain without a trailing dot; '' when it is not a usable name. */
export function normalizeDomain(d: string): string {
  const t = d.trim().replace(/\.$/, '').toLowerCase();
  if (t === '' || t.startsWith('[')) return '';
  return domainToASCII(t);
}

/** Config check for one SINK_TRAP_DOMAINS item: null when fine, else the problem. */
export function trapPatternProblem(p: string): string | null {
  const at = p.lastIndexOf('@');
  if (at >= 0) {
    if (at === 0 || normalizeDomain(p.slice(at + 1)) === '') return 'expected local@domain';
    return null;
  }
  const d = p.startsWith('*.') ? p.slice(2) : p;
  if (d.includes('*')) return 'a wildcard is only allowed as the leading "*."';
  if (normalizeDomain(d) === '' || !d.includes('.')) return 'expected a domain name such as trap.example';
  return null;
}

/** Compiled trap list: set lookups only, so a long RCPT flood costs O(labels) per address. */
export class RecipientPolicy {
  private readonly exact = new Set<string>();
  private readonly domains = new Set<string>();
  private readonly wildcards = new Set<string>();

  constructor(patterns: readonly string[]) {
    for (const p of patterns) {
      const at = p.lastIndexOf('@');
      if (at >= 0) this.exact.add(`${p.slice(0, at).toLowerCase()}@${normalizeDomain(p.slice(at + 1))}`);
      else if (p.startsWith('*.')) this.wildcards.add(normalizeDomain(p.slice(2)));
      else this.domains.add(normalizeDomain(p));
    }
  }

  /**
   * Judge one RCPT TO address as smtp-server parsed it (source route already dropped, as RFC 5321
   * 4.1.2 asks; the domain may be Unicode). Local parts are compared case-insensitively.
   */
  check(address: string): RcptVerdict {
    const at = address.lastIndexOf('@');
    if (at <= 0) return deny('no_domain', `5.7.1 <${address}>: Recipient address rejected: not a trap address`);
    const local = address.slice(0, at);
    const rawDomain = address.slice(at + 1);
    // Routing tricks inside the local part ask us to forward: a relay test, never a trap delivery.
    if (local.includes('%')) return deny('percent_hack', `5.7.1 <${address}>: Relay access denied`);
    if (local.includes('!')) return deny('bang_path', `5.7.1 <${address}>: Relay access denied`);
    if (rawDomain.startsWith('[')) return deny('address_literal', `5.7.1 <${address}>: Relay access denied`);
    const domain = normalizeDomain(rawDomain);
    if (domain === '') return deny('no_domain', `5.7.1 <${address}>: Relay access denied`);
    if (this.domains.has(domain) || this.exact.has(`${local.toLowerCase()}@${domain}`)) return { accept: true };
    // Walk up the labels: a.b.trap.example matches *.trap.example and *.b.trap.example.
    let i = domain.indexOf('.');
    while (i >= 0) {
      if (this.wildcards.has(domain.slice(i + 1))) return { accept: true };
      i = domain.indexOf('.', i + 1);
    }
    return deny('not_trap', `5.7.1 <${address}>: Relay access denied`);
  }
}

function deny(reason: Exclude<RcptVerdict, { accept: true }>['reason'], message: string): RcptVerdict {
  return { accept: false, reason, message };
}
