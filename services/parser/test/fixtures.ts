// Raw-record builders for the parser tests: messages we wrote, facts as the sink or importer would write them.
import { createHash } from 'node:crypto';
import { RAW_HEADERS, importEvidenceId, newEvidenceId, type RawFacts } from '@spamtrap/contracts';
import type { IncomingRecord, OutgoingRecord } from '@spamtrap/kafka';

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** A message that went through a trap MX: one of our headers on top, a forged-looking one below. */
export function trapMessage(tag: string): Buffer {
  return Buffer.from(
    [
      `Received: from helo.${tag}.example (unknown [198.51.100.23]) by mx1.trap.example (Postfix) with ESMTP id A1B2C3; Tue, 1 Nov 2022 10:00:05 +0000`,
      'Received: from client.lan (client.lan [10.1.2.3]) by relay.other.example with SMTP id q1; Tue, 1 Nov 2022 09:59:00 +0000',
      `From: "Sender ${tag}" <offers@${tag}.sender.example>`,
      'To: victim@trap.example',
      `Subject: Offer ${tag}`,
      'Date: Tue, 1 Nov 2022 09:58:00 +0000',
      `Message-ID: <${tag}@mailer.${tag}.example>`,
      'Content-Type: text/plain',
      '',
      `Go to http://${tag}.landing.example.com/path now`,
      '',
    ].join('\r\n'),
  );
}

export function smtpFacts(raw: Buffer, over: Partial<RawFacts> = {}, i = 0): RawFacts {
  const acceptedAt = new Date(Date.UTC(2022, 10, 1, 10, 0, 5) + i * 1000).toISOString();
  return {
    v: 1,
    evidenceId: newEvidenceId(Date.parse(acceptedAt) + i),
    source: 'smtp',
    size: raw.length,
    sha256: sha256(raw),
    trusted: ['mx1.trap.example'],
    smtp: {
      sinkId: 'sinkA',
      connectionId: `conn-${i}`,
      transaction: 1,
      acceptedAt,
      peer: { ip: '198.51.100.23', port: 51000 + i },
      local: { ip: '192.0.2.25', port: 25 },
      proxiedBy: null,
      helo: 'helo.forged.example',
      heloVerb: 'EHLO',
      tls: null,
      mailFrom: 'offers@sender.example',
      rcptTo: ['victim@trap.example'],
      anomalies: [],
    },
    import: null,
    ...over,
  };
}

export function importFacts(raw: Buffer, entry = 0): RawFacts {
  const hash = sha256(raw);
  return {
    v: 1,
    evidenceId: importEvidenceId(hash),
    source: 'import',
    size: raw.length,
    sha256: hash,
    trusted: ['mx1.trap.example'],
    smtp: null,
    import: { archive: 'archive.mbox', format: 'mbox', file: 'archive.mbox', entry, importedAt: '2022-11-02T00:00:00.000Z' },
  };
}

/** The record the sink or importer publishes to spamtrap.raw. */
export function rawOutgoing(topic: string, raw: Buffer, facts: RawFacts | string | null): OutgoingRecord {
  const headers: Record<string, string> = { [RAW_HEADERS.contentType]: 'message/rfc822' };
  if (facts !== null) headers[RAW_HEADERS.facts] = typeof facts === 'string' ? facts : JSON.stringify(facts);
  return { topic, key: typeof facts === 'object' && facts !== null ? facts.evidenceId : null, value: raw, headers };
}

/** The same record as a consumer sees it (unit tests of parseRecord). */
export function rawIncoming(raw: Buffer | null, facts: RawFacts | string | null, offset = 0): IncomingRecord {
  const headers: Record<string, Buffer | undefined> = {};
  if (facts !== null) headers[RAW_HEADERS.facts] = Buffer.from(typeof facts === 'string' ? facts : JSON.stringify(facts));
  return { topic: 'spamtrap.raw', partition: 0, offset: String(offset), key: null, value: raw, headers, timestamp: '1667296805000' };
}
