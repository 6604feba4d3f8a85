// Verdict and session records we write ourselves, for tests of the schema, the nominator and Kibana searches.
import { createHash } from 'node:crypto';
import type { ReceivedHop, SessionEvidenceRecord, VerdictClass, VerdictRecord } from '@spamtrap/contracts';

export interface VerdictFixtureOptions {
  evidenceId: string;
  peerIp?: string;
  /** Nomination key; defaults to the peer IP (IPv4). `null` = no nomination. */
  key?: string | null;
  cls?: VerdictClass;
  reasons?: string[];
  helo?: string;
  rdns?: string | null;
  acceptedAt?: string;
  trap?: string;
  subject?: string;
  urls?: string[];
  hops?: Partial<ReceivedHop>[];
  confidence?: number;
}

const hop = (h: Partial<ReceivedHop>): ReceivedHop => ({
  kind: 'relay',
  fromHelo: null,
  fromRdns: null,
  fromIp: null,
  ident: null,
  by: null,
  with: 'ESMTP',
  auth: false,
  tls: false,
  id: null,
  for: null,
  date: null,
  mta: 'postfix',
  note: null,
  ...h,
});

/** A complete, contract-shaped verdict record with a message to `trap`. */
export function verdictFixture(o: VerdictFixtureOptions): VerdictRecord {
  const peerIp = o.peerIp ?? '198.51.100.23';
  const trap = o.trap ?? 'alice.trap@traps.example.org';
  const acceptedAt = o.acceptedAt ?? '2026-11-20T10:00:00.000Z';
  const cls: VerdictClass = o.cls ?? 'open_relay_suspect';
  const subject = o.subject ?? 'Cheap watches';
  const raw = `Received: from ${o.helo ?? 'mail.relay.example'} ([${peerIp}]) by mx1.traps.example.org for <${trap}>\r\nFrom: seller@shop.example\r\nTo: <${trap}>\r\nSubject: ${subject}\r\n\r\nbody\r\n`;
  const key = o.key === undefined ? peerIp : o.key;
  const probe = cls === 'open_relay_suspect' ? 'relay' : cls === 'open_proxy_suspect' ? 'proxy' : null;
  const hops = (o.hops ?? [
    { fromHelo: o.helo ?? 'mail.relay.example', fromRdns: o.rdns ?? 'mail.relay.example', fromIp: peerIp, by: 'mx1.traps.example.org', for: `<${trap}>`, date: acceptedAt },
    { fromHelo: 'pc-42', fromIp: '192.0.2.77', by: 'mail.relay.example', for: `<${trap}>`, date: acceptedAt },
  ]).map(hop);
  return {
    v: 1,
    evidenceId: o.evidenceId,
    class: cls,
    confidence: o.confidence ?? 0.9,
    reasons: (o.reasons ?? ['THIRD_PARTY_HANDOFF']).map((code) => ({ code, hop: 0, detail: { ip: peerIp } })),
    nomination: key === null ? null : { ip: peerIp, key, probe },
    dns: { ptr: o.rdns === null ? [] : [o.rdns ?? 'mail.relay.example'], fcrdns: o.rdns ?? 'mail.relay.example', heloAddresses: [peerIp], errors: {} },
    decidedAt: acceptedAt,
    parsed: {
      v: 1,
      evidenceId: o.evidenceId,
      facts: {
        v: 1,
        evidenceId: o.evidenceId,
        source: 'smtp',
        size: raw.length,
        sha256: createHash('sha256').update(raw).digest('hex'),
        trusted: ['mx1.traps.example.org'],
        smtp: {
          sinkId: 'sink-test',
          connectionId: 'conn-1',
          transaction: 1,
          acceptedAt,
          peer: { ip: peerIp, port: 40123 },
          local: { ip: '127.0.0.1', port: 2525 },
          proxiedBy: null,
          helo: o.helo ?? 'mail.relay.example',
          heloVerb: 'EHLO',
          tls: null,
          mailFrom: 'seller@shop.example',
          rcptTo: [trap],
          anomalies: [],
        },
        import: null,
      },
      walk: {
        hops,
        boundary: -1,
        relay: { ip: peerIp, helo: o.helo ?? 'mail.relay.example', rdns: o.rdns ?? 'mail.relay.example', by: 'mx1.traps.example.org', index: -1, source: 'session', auth: false, tls: false },
        reasons: [{ code: 'BY_FROM_MISMATCH', hop: 1 }],
        claimedIps: ['192.0.2.77'],
        counts: { total: hops.length, unparsed: 0, ignored: 0, truncated: 0 },
      },
      mail: {
        from: ['seller@shop.example'],
        fromDomains: ['shop.example'],
        sender: null,
        replyTo: [],
        replyToDomains: [],
        to: [trap],
        subject,
        messageId: '<abc123@shop.example>',
        messageIdDomain: 'shop.example',
        date: acceptedAt,
        xMailer: 'BulkMailer 5.1',
        contentType: 'text/plain',
        urls: o.urls ?? ['https://shop.example/buy?id=7'],
        urlDomains: ['shop.example'],
        attachments: [{ filename: 'invoice.pdf.exe', contentType: 'application/octet-stream', size: 1234, sha256: 'a'.repeat(64) }],
        autoReply: { dsn: false, autoSubmitted: null, precedence: null },
        headerCount: 5,
        extraHeaders: { 'X-Original-To': trap },
      },
      issues: [],
      rawBase64: Buffer.from(raw).toString('base64'),
      parsedAt: acceptedAt,
    },
  };
}

/** A session record: an HTTP CONNECT sent to port 25 (open-proxy behaviour), no message. */
export function sessionFixture(evidenceId: string, peerIp = '198.51.100.99', openedAt = '2026-11-20T11:00:00.000Z'): SessionEvidenceRecord {
  return {
    v: 1,
    evidenceId,
    sinkId: 'sink-test',
    connectionId: 'conn-9',
    openedAt,
    closedAt: openedAt,
    peer: { ip: peerIp, port: 50000 },
    local: { ip: '127.0.0.1', port: 2525 },
    proxiedBy: null,
    helo: null,
    anomalies: [{ code: 'PROXY_CONNECT', detail: 'CONNECT mx.example.net:25 HTTP/1.0', atMs: 3 }],
    transcript: ['CONNECT mx.example.net:25 HTTP/1.0'],
    messages: 0,
  };
}
