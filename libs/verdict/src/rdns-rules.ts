// rDNS naming rules as data: dynamic tokens, static hints, business-static ranges, hosting/cloud generic PTRs.

/**
 * Tokens ISPs put in generic names of end-user addresses (domain.md §4; SpamAssassin
 * 20_dynrdns.cf; draft-msullivan-dnsop-generic-naming-schemes). Matched only as whole tokens of
 * the host part. Weight = how strongly the token alone says "end-user/dynamic"; generic words that
 * also name servers (node, client, mobile, ...) weigh less.
 */
export const DYNAMIC_TOKENS: Readonly<Record<string, number>> = {
  dyn: 0.6, dynamic: 0.65, dynamicip: 0.65, dynip: 0.65, dhcp: 0.65, dial: 0.6, dialup: 0.65, dialin: 0.6,
  ppp: 0.6, pppoe: 0.65, pool: 0.55, adsl: 0.6, xdsl: 0.6, dsl: 0.6, vdsl: 0.6, sdsl: 0.5, cable: 0.5,
  cm: 0.45, catv: 0.55, docsis: 0.6, cpe: 0.55, resnet: 0.6, res: 0.4, residential: 0.6, broadband: 0.55,
  bredband: 0.55, ftth: 0.5, fttx: 0.5, fios: 0.55, hsd: 0.55, dip: 0.55, cust: 0.45, customer: 0.45,
  client: 0.35, clients: 0.35, mobile: 0.4, wireless: 0.4, node: 0.3, home: 0.4, user: 0.35, cgnat: 0.5,
};

/**
 * Hints that the PTR owner calls the address static or a mail server. The owner can write
 * anything, so these lower confidence rather than clear the address (SpamAssassin exempts
 * `static`/`fix` names from RDNS_DYNAMIC).
 */
export const STATIC_HINTS: ReadonlySet<string> = new Set(['static', 'stat', 'fix', 'fixed', 'fixip', 'srv', 'server', 'mail', 'mx', 'smtp', 'mta', 'relay', 'outbound']);

/** Names of dynamic-DNS services: a home server on a dynamic line, weaker than an ISP's own pool name. */
export const DDNS_TOKENS: ReadonlySet<string> = new Set(['dyndns', 'dynu', 'noip', 'ddns', 'duckdns', 'dynv6', 'dnsalias', 'homeip']);

export interface NamedPattern {
  name: string;
  re: RegExp;
}

/**
 * Business-static ranges with generic-looking names. Known false positives of dynamic rules
 * (domain.md §4: a `wsip-…cox.net` rule was wrong on 47 of 87 hits; `rrcs-…biz.rr.com` suspected).
 */
export const BUSINESS_STATIC: readonly NamedPattern[] = [
  { name: 'cox-business', re: /^wsip-[\d-]+\..*\bcox\.net$/ },
  { name: 'spectrum-business', re: /^rrcs-[\d-]+\..*\brr\.com$/ },
  { name: 'comcast-business', re: /-static\.hfc\.comcastbusiness\.net$/ },
  { name: 'verizon-static', re: /^static-[\d-]+\..*\bverizon\.net$/ },
];

/** Generic PTRs of cloud/hosting providers: real servers, often abused, never consumer lines. */
export const HOSTING_GENERIC: readonly NamedPattern[] = [
  { name: 'aws-ec2', re: /(^|\.)ec2-[\d-]+\..*compute(-\d+)?\.amazonaws\.com$|\.compute\.amazonaws\.com$/ },
  { name: 'google-cloud', re: /\.googleusercontent\.com$/ },
  { name: 'azure', re: /\.cloudapp\.(net|azure\.com)$/ },
  { name: 'linode', re: /\.(members\.linode\.com|ip\.linodeusercontent\.com)$/ },
  { name: 'digitalocean', re: /\.digitalocean\.com$/ },
  { name: 'vultr', re: /\.vultr(usercontent)?\.com$/ },
  { name: 'hetzner', re: /(^|\.)static\.[\d.]+\.clients\.your-server\.de$|\.your-server\.de$/ },
  { name: 'ovh', re: /(^|\.)(ip-[\d-]+\.(eu|net|us)|[a-z0-9-]+\.ovh\.net|vps-[0-9a-f]+\.vps\.ovh\.(net|ca|us))$/ },
  { name: 'contabo', re: /\.contaboserver\.net$/ },
  { name: 'leaseweb', re: /\.leaseweb\.(com|net)$/ },
];

/**
 * Registrable domains run by one organisation, for the same-organisation hand-off test: a large
 * provider's internal hops cross its own domains (Microsoft EOP hands over between outlook.com
 * and exchangelabs.com hosts).
 */
export const ORG_DOMAIN_GROUPS: readonly (readonly string[])[] = [
  ['outlook.com', 'office365.com', 'exchangelabs.com', 'hotmail.com', 'live.com', 'microsoft.com', 'msn.com'],
  ['google.com', 'gmail.com', 'googlemail.com', '1e100.net', 'googleusercontent.com'],
  ['amazonses.com', 'amazonaws.com', 'amazon.com'],
  ['yahoo.com', 'yahoo.net', 'yahoodns.net', 'aol.com'],
  ['protonmail.ch', 'protonmail.com', 'proton.me'],
];
