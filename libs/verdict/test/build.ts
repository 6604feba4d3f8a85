// Test builders: ParsedRecord, hops and DNS facts we write ourselves (no corpus data).
import type { DnsFacts, MailFacts, ParsedRecord, ReceivedHop, RelayingHop, SmtpSessionFacts } from '@spamtrap/contracts';

export const EVIDENCE_ID = '0190f5a2-7b3c-7def-8abc-0123456789ab';

export function hop(over: Partial<ReceivedHop> = {}): ReceivedHop {
  return {
    kind: 'relay', fromHelo: null, fromRdns: null, fromIp: null, ident: null, by: null, with: 'ESMTP',
    auth: false, tls: false, id: null, for: null, date: null, mta: 'postfix', note: null, ...over,
  };
}

export function mail(over: Partial<MailFacts> = {}): MailFacts {
  return {
    from: ['sender@example.org'], fromDomains: ['example.org'], sender: null, replyTo: [], replyToDomains: [], to: ['trap@trap.example'],
    subject: 'hello', messageId: null, messageIdDomain: null, date: null, xMailer: null, contentType: 'text/plain', urls: [], urlDomains: [],
    attachments: [], autoReply: { dsn: false, autoSubmitted: null, precedence: null }, headerCount: 5, extraHeaders: {}, ...over,
  };
}

export interface SessionOpts {
  ip?: string;
  helo?: string | null;
  mailFrom?: string;
  anomalies?: SmtpSessionFacts['anomalies'];
  hops?: ReceivedHop[];
  relay?: Partial<RelayingHop> | null;
  mail?: MailFacts | null;
  boundary?: number;
}

/** A live-SMTP parsed record: the sink saw `ip`; the relaying hop is the session peer. */
export function smtpRecord(o: SessionOpts = {}): ParsedRecord {
  const ip = o.ip ?? '198.18.0.1'.replace('198.18.0.1', '81.2.69.160');
  const helo = o.helo === undefined ? 'mail.sender.example.org' : o.helo;
  const relay: RelayingHop | null =
    o.relay === null ? null : { ip, helo, rdns: null, by: 'mx1.trap.example', index: -1, source: 'session', auth: false, tls: false, ...o.relay };
  return {
    v: 1,
    evidenceId: EVIDENCE_ID,
    facts: {
      v: 1, evidenceId: EVIDENCE_ID, source: 'smtp', size: 100, sha256: '0'.repeat(64), trusted: ['*.trap.example'],
      smtp: {
        sinkId: 'sink-1', connectionId: 'c1', transaction: 1, acceptedAt: '2026-11-22T10:00:00.000Z', peer: { ip, port: 40000 },
        local: { ip: '127.0.0.1', port: 25 }, proxiedBy: null, helo, heloVerb: 'EHLO', tls: null, mailFrom: o.mailFrom ?? 'sender@example.org',
        rcptTo: ['trap@trap.example'], anomalies: o.anomalies ?? [],
      },
      import: null,
    },
    walk: { hops: o.hops ?? [], boundary: o.boundary ?? -1, relay, reasons: [], claimedIps: [], counts: { total: (o.hops ?? []).length, unparsed: 0, ignored: 0, truncated: 0 } },
    mail: o.mail === undefined ? mail() : o.mail,
    issues: [],
    rawBase64: '',
    parsedAt: '2026-11-22T10:00:01.000Z',
  };
}

/** An imported message: our own MTA's header (index 0) names the relaying hop. */
export function importRecord(ip: string, hops: ReceivedHop[], relay: Partial<RelayingHop> = {}): ParsedRecord {
  const base = smtpRecord({ ip, hops });
  return {
    ...base,
    facts: { ...base.facts, source: 'import', smtp: null, import: { archive: 'a.mbox', format: 'mbox', file: 'a.mbox', entry: 0, importedAt: '2026-11-22T10:00:00.000Z' } },
    walk: { ...base.walk, boundary: 0, relay: { ip, helo: hops[0]?.fromHelo ?? null, rdns: hops[0]?.fromRdns ?? null, by: hops[0]?.by ?? null, index: 0, source: 'header', auth: false, tls: false, ...relay } },
  };
}

export function dns(over: Partial<DnsFacts> = {}): DnsFacts {
  return { ptr: [], fcrdns: null, heloAddresses: null, errors: {}, ...over };
}
