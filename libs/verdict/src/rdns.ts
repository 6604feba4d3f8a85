// Reads a reverse-DNS (or HELO) name: dynamic tokens, embedded address, static hints, business-static and hosting patterns.
import type { Reason } from '@spamtrap/contracts';
import { findEmbeddedIp, type EmbeddedIp } from './embedded-ip.js';
import { clip, nameParts, tokens } from './names.js';
import { BUSINESS_STATIC, DDNS_TOKENS, DYNAMIC_TOKENS, HOSTING_GENERIC, STATIC_HINTS } from './rdns-rules.js';

export type NameKind = 'hosting' | 'business_static' | 'dynamic' | 'static_hint' | 'generic' | 'plain';

export interface NameAssessment {
  kind: NameKind;
  /** Strongest dynamic token found, with its weight. */
  dynamicToken: { token: string; weight: number } | null;
  ddnsToken: string | null;
  staticHint: string | null;
  embedded: EmbeddedIp | null;
  hosting: string | null;
  businessStatic: string | null;
}

/**
 * Assess one name for the given IP. Tokens are read only from the host part (labels left of the
 * registrable domain), so `mx.mobile.de` or `smtp.cable.example` are not end-user names; the
 * embedded-address check uses the whole name.
 */
export function assessName(rawName: string, ip: string): NameAssessment {
  const { name, host } = nameParts(rawName);
  const hosting = HOSTING_GENERIC.find((p) => p.re.test(name))?.name ?? null;
  const businessStatic = hosting === null ? (BUSINESS_STATIC.find((p) => p.re.test(name))?.name ?? null) : null;
  let dynamicToken: NameAssessment['dynamicToken'] = null;
  let ddnsToken: string | null = null;
  let staticHint: string | null = null;
  for (const t of tokens(host)) {
    const w = DYNAMIC_TOKENS[t];
    if (w !== undefined && (dynamicToken === null || w > dynamicToken.weight)) dynamicToken = { token: t, weight: w };
    if (ddnsToken === null && DDNS_TOKENS.has(t)) ddnsToken = t;
    if (staticHint === null && STATIC_HINTS.has(t)) staticHint = t;
  }
  // A DDNS provider is the registrable domain itself (host.dyndns.org): look there too.
  const { domain } = nameParts(rawName);
  if (ddnsToken === null && domain !== null) {
    const first = domain.split('.')[0] ?? '';
    for (const t of tokens(first)) if (DDNS_TOKENS.has(t)) ddnsToken = t;
    if (DDNS_TOKENS.has(first.replace(/-/g, ''))) ddnsToken = first;
  }
  const embedded = findEmbeddedIp(name, ip);
  let kind: NameKind = 'plain';
  if (hosting !== null) kind = 'hosting';
  else if (businessStatic !== null) kind = 'business_static';
  else if (dynamicToken !== null || (embedded !== null && embedded.octets === 4) || ddnsToken !== null) kind = staticHint !== null ? 'static_hint' : 'dynamic';
  else if (staticHint !== null) kind = 'static_hint';
  else if (embedded !== null) kind = 'generic';
  return { kind, dynamicToken, ddnsToken, staticHint, embedded, hosting, businessStatic };
}

/**
 * Reasons for an rDNS name. Hosting and business-static names get their own code and no dynamic
 * reasons (they are not consumer lines). `prefix` is `RDNS` or `HELO`.
 */
export function nameReasons(a: NameAssessment, rawName: string, prefix: 'RDNS' | 'HELO'): Reason[] {
  const out: Reason[] = [];
  const name = clip(rawName);
  if (a.hosting !== null) {
    out.push({ code: `${prefix}_HOSTING_GENERIC`, detail: { name, provider: a.hosting } });
    return out;
  }
  if (a.businessStatic !== null) {
    out.push({ code: `${prefix}_BUSINESS_STATIC`, detail: { name, range: a.businessStatic } });
    return out;
  }
  if (a.dynamicToken !== null) out.push({ code: `${prefix}_DYNAMIC_TOKEN`, detail: { name, token: a.dynamicToken.token } });
  if (a.ddnsToken !== null) out.push({ code: `${prefix}_DDNS_NAME`, detail: { name, token: a.ddnsToken } });
  if (a.embedded !== null) out.push({ code: `${prefix}_EMBEDS_IP`, detail: { name, form: a.embedded.form, octets: a.embedded.octets } });
  if (a.staticHint !== null) out.push({ code: `${prefix}_STATIC_HINT`, detail: { name, token: a.staticHint } });
  return out;
}
