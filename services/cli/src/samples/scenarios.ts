// Synthetic trap-mail scenarios (written by us) used by `spamtrap demo` and the end-to-end tests.
//
// Each scenario is what one SMTP client does to the sink: the peer address it claims through a
// PROXY v1 header (the sink trusts loopback fronts in the demo and tests), its HELO, envelope and
// message, plus the DNS answers the demo zone serves for it and what the pipeline should decide.
// Peer addresses are synthetic; nothing is ever sent to them.

export const DEMO_TRAP_DOMAIN = 'trap.spamtrap.test';
export const DEMO_MX = 'mx1.trap.spamtrap.test';

export interface Scenario {
  name: string;
  /** What the scenario shows an analyst. */
  about: string;
  peerIp: string;
  helo: string;
  mailFrom: string;
  rcptTo: string[];
  /** HTTP-proxy style lines the client sends before HELO (open proxy POST abuse). */
  preamble?: string[];
  /** The message exactly as the client sends it after DATA (CRLF line ends). */
  message: string;
  /** DNS the demo zone serves: PTR for the peer, A records for names. */
  dns: { ptr?: Record<string, string>; a?: Record<string, string[]> };
  expect: {
    /** Verdict classes that count as right (the first is the intended one). */
    classes: string[];
    /** Whether the peer may be nominated, and the probe kind if one must be queued. */
    nominated: boolean;
    probe: 'relay' | 'proxy' | null;
    /** IPs that must never be nominated (victims named in forged headers). */
    neverNominated?: string[];
  };
}

const CRLF = '\r\n';

function message(headers: string[], body: string[]): string {
  return [...headers, '', ...body, ''].join(CRLF);
}

function date(offsetMin: number, base = Date.UTC(2026, 10, 22, 10, 0, 0)): string {
  return new Date(base + offsetMin * 60_000).toUTCString().replace('GMT', '+0000');
}

/** The scenarios, in the order the demo feeds them. `seq` makes Message-IDs unique per run. */
export function scenarios(seq = 1): Scenario[] {
  const trap = (local: string) => `${local}@${DEMO_TRAP_DOMAIN}`;
  return [
    {
      name: 'open-relay',
      about: 'a real MTA that accepted mail from a third party and forwarded it to the trap',
      peerIp: '46.23.81.15',
      helo: 'mail.oldrelay.example',
      mailFrom: 'offers@pills.example',
      rcptTo: [trap('sales')],
      dns: { ptr: { '46.23.81.15': 'mail.oldrelay.example' }, a: { 'mail.oldrelay.example': ['46.23.81.15'] } },
      message: message(
        [
          `Received: from pc-7781 (dsl-94-23-17-201.dyn.isp.example [94.23.17.201])`,
          `\tby mail.oldrelay.example (Postfix) with SMTP id 4XyZ1Q2w;`,
          `\t${date(-3)}`,
          `From: "Pharmacy Deals" <offers@pills.example>`,
          `To: <${trap('sales')}>`,
          `Subject: Cheap meds, today only`,
          `Date: ${date(-3)}`,
          `Message-ID: <relay-${seq}.4XyZ1Q2w@pills.example>`,
          `MIME-Version: 1.0`,
          `Content-Type: text/plain; charset=us-ascii`,
        ],
        ['Order now: http://pills.example/buy?ref=77', 'Unsubscribe: http://pills.example/u'],
      ),
      expect: { classes: ['open_relay_suspect'], nominated: true, probe: 'relay', neverNominated: ['94.23.17.201'] },
    },
    {
      name: 'open-proxy',
      about: 'spamware talking through an open HTTP proxy: the forwarded POST request before HELO, HELO forged as the trap domain, no header from the connecting host, a fictitious chain below',
      peerIp: '77.91.12.44',
      helo: DEMO_TRAP_DOMAIN,
      mailFrom: 'support@bank-secure.example',
      rcptTo: [trap('accounts')],
      // What an abused open HTTP proxy forwards to port 25: the spamware's POST request, then its SMTP dialogue.
      preamble: [`POST http://mx.${DEMO_TRAP_DOMAIN}:25/ HTTP/1.0`, 'Content-Type: text/plain', 'Content-Length: 1024', ''],
      // A misconfigured server (static, forward-confirmed name) whose open proxy spamware uses.
      dns: { ptr: { '77.91.12.44': 'srv12.colo-net.example' }, a: { 'srv12.colo-net.example': ['77.91.12.44'] } },
      message: message(
        [
          `Received: from mail.bigbank.example ([10.20.30.40]) by mx.bigbank.example with ESMTP id A1B2; ${date(-600)}`,
          `From: "Secure Bank" <support@bank-secure.example>`,
          `To: <${trap('accounts')}>`,
          `Subject: Verify your account`,
          `Date: ${date(-2)}`,
          `Message-ID: <proxy-${seq}@bank-secure.example>`,
          `MIME-Version: 1.0`,
          `Content-Type: text/html; charset=utf-8`,
        ],
        ['<a href="http://bank-secure.example/login">Log in</a>'],
      ),
      expect: { classes: ['open_proxy_suspect'], nominated: true, probe: 'proxy' },
    },
    {
      name: 'dynamic',
      about: 'a bot on a consumer line sending straight to the trap MX',
      peerIp: '88.12.4.9',
      helo: 'DESKTOP-7QK2M',
      mailFrom: 'news@winner.example',
      rcptTo: [trap('info')],
      dns: { ptr: { '88.12.4.9': 'dsl-88-12-4-9.dyn.isp.example' }, a: { 'dsl-88-12-4-9.dyn.isp.example': ['88.12.4.9'] } },
      message: message(
        [
          `From: <news@winner.example>`,
          `To: <${trap('info')}>`,
          `Subject: You have won`,
          `Date: ${date(-1)}`,
          `Message-ID: <dyn-${seq}@winner.example>`,
          `X-Mailer: Microsoft Outlook Express 6.00.2600.0000`,
        ],
        ['Claim your prize at http://winner.example/claim'],
      ),
      expect: { classes: ['dynamic_ip', 'direct_bot'], nominated: true, probe: null },
    },
    {
      name: 'stolen-account',
      about: 'a provider relaying mail from an authenticated (stolen) account',
      peerIp: '52.97.133.20',
      helo: 'smtp-out.provider.example',
      mailFrom: 'jane.doe@provider.example',
      rcptTo: [trap('hr')],
      dns: { ptr: { '52.97.133.20': 'smtp-out.provider.example' }, a: { 'smtp-out.provider.example': ['52.97.133.20'] } },
      message: message(
        [
          `Received: from [192.168.1.20] (cpe-5-6-7-8.res.isp.example [5.6.7.8])`,
          `\t(Authenticated sender: jane.doe@provider.example)`,
          `\tby smtp-out.provider.example (Postfix) with ESMTPSA id 9QwErT;`,
          `\t${date(-4)}`,
          `From: Jane Doe <jane.doe@provider.example>`,
          `To: <${trap('hr')}>`,
          `Subject: Invoice attached`,
          `Date: ${date(-4)}`,
          `Message-ID: <stolen-${seq}@provider.example>`,
        ],
        ['Please see http://invoice-view.example/doc/1'],
      ),
      // The peer is the provider's shared outbound MTA: listing it would hit every customer, so an
      // authenticated hand-off is evidence against the account, never a nomination of the MTA.
      expect: { classes: ['stolen_account'], nominated: false, probe: null, neverNominated: ['52.97.133.20', '5.6.7.8'] },
    },
    {
      name: 'backscatter',
      about: 'a bounce for mail that forged the trap address as sender',
      peerIp: '64.90.55.3',
      helo: 'mx.innocent.example',
      mailFrom: '',
      rcptTo: [trap('billing')],
      dns: { ptr: { '64.90.55.3': 'mx.innocent.example' }, a: { 'mx.innocent.example': ['64.90.55.3'] } },
      message: message(
        [
          `From: Mail Delivery System <MAILER-DAEMON@mx.innocent.example>`,
          `To: <${trap('billing')}>`,
          `Subject: Undelivered Mail Returned to Sender`,
          `Date: ${date(-5)}`,
          `Message-ID: <bounce-${seq}@mx.innocent.example>`,
          `Auto-Submitted: auto-replied`,
          `MIME-Version: 1.0`,
          `Content-Type: multipart/report; report-type=delivery-status; boundary="b1"`,
        ],
        [
          '--b1',
          'Content-Type: text/plain',
          '',
          'Your message could not be delivered.',
          '--b1',
          'Content-Type: message/delivery-status',
          '',
          'Reporting-MTA: dns; mx.innocent.example',
          '',
          `Final-Recipient: rfc822; nobody@innocent.example`,
          'Action: failed',
          'Status: 5.1.1',
          '--b1--',
        ],
      ),
      expect: { classes: ['backscatter'], nominated: false, probe: null },
    },
    {
      name: 'forged-header',
      about: 'a bot that forged a Received header claiming our own MX received the mail from a victim',
      peerIp: '5.188.10.20',
      helo: 'localhost',
      mailFrom: 'promo@deals.example',
      rcptTo: [trap('sales')],
      dns: {},
      message: message(
        [
          `Received: from victim-mx.example (victim-mx.example [8.8.4.4]) by ${DEMO_MX} (Postfix) with ESMTP id F0RG3D; ${date(-1)}`,
          `From: <promo@deals.example>`,
          `To: <${trap('sales')}>`,
          `Subject: Deals`,
          `Date: ${date(-1)}`,
          `Message-ID: <forged-${seq}@deals.example>`,
        ],
        ['http://deals.example/'],
      ),
      expect: { classes: ['direct_bot', 'open_proxy_suspect', 'dynamic_ip', 'unknown'], nominated: true, probe: null, neverNominated: ['8.8.4.4'] },
    },
    {
      name: 'reserved-range',
      about: 'a peer in a documentation range (TEST-NET-1): evidence is kept, nothing is nominated',
      peerIp: '192.0.2.55',
      helo: 'relay.test-net.example',
      mailFrom: 'x@test-net.example',
      rcptTo: [trap('sales')],
      dns: {},
      message: message(
        [
          `Received: from unknown (HELO spam) ([203.0.113.9]) by relay.test-net.example with SMTP; ${date(-2)}`,
          `From: <x@test-net.example>`,
          `To: <${trap('sales')}>`,
          `Subject: reserved`,
          `Date: ${date(-2)}`,
          `Message-ID: <reserved-${seq}@test-net.example>`,
        ],
        ['hello'],
      ),
      expect: { classes: [], nominated: false, probe: null, neverNominated: ['192.0.2.55', '203.0.113.9'] },
    },
  ];
}

/** DNS answers a zone server must give for these scenarios: PTR owner names and A records. */
export function zoneFor(list: Scenario[]): Record<string, { A?: string[]; PTR?: string[] }> {
  const zone: Record<string, { A?: string[]; PTR?: string[] }> = {};
  for (const s of list) {
    for (const [ip, name] of Object.entries(s.dns.ptr ?? {})) {
      zone[`${ip.split('.').reverse().join('.')}.in-addr.arpa`] = { PTR: [name] };
    }
    for (const [name, ips] of Object.entries(s.dns.a ?? {})) zone[name] = { ...zone[name], A: ips };
  }
  return zone;
}
