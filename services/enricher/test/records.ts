// Test builders for the enricher: parsed records we write ourselves and a table-driven DnsLookup double.
import { newEvidenceId, type ParsedRecord, type ReceivedHop } from '@spamtrap/contracts';
import type { DnsLookup, DnsStats, LookupResult } from '../src/index.js';

export function hop(over: Partial<ReceivedHop> = {}): ReceivedHop {
  return { kind: 'relay', fromHelo: null, fromRdns: null, fromIp: null, ident: null, by: null, with: 'ESMTP', auth: false, tls: false, id: null, for: null, date: null, mta: 'postfix', note: null, ...over };
}

export interface RecordOpts {
  ip: string;
  helo?: string | null;
  anomalies?: { code: string; detail?: string }[];
  hops?: ReceivedHop[];
  evidenceId?: string;
  mailFrom?: string;
}

let seq = 0;

export function parsedRecord(o: RecordOpts): ParsedRecord {
  const evidenceId = o.evidenceId ?? newEvidenceId(Date.UTC(2026, 10, 22, 10, 0, 0) + seq++);
  const helo = o.helo === undefined ? 'mail.sender.example' : o.helo;
  return {
    v: 1,
    evidenceId,
    facts: {
      v: 1, evidenceId, source: 'smtp', size: 10, sha256: 'a'.repeat(64), trusted: [],
      smtp: {
        sinkId: 's1', connectionId: `c${seq}`, transaction: 1, acceptedAt: '2026-11-22T10:00:00.000Z', peer: { ip: o.ip, port: 50000 }, local: { ip: '127.0.0.1', port: 25 },
        proxiedBy: null, helo, heloVerb: 'EHLO', tls: null, mailFrom: o.mailFrom ?? 'x@sender.example', rcptTo: ['t@trap.example'], anomalies: o.anomalies ?? [],
      },
      import: null,
    },
    walk: {
      hops: o.hops ?? [], boundary: -1, relay: { ip: o.ip, helo, rdns: null, by: 'mx.trap.example', index: -1, source: 'session', auth: false, tls: false },
      reasons: [], claimedIps: [], counts: { total: (o.hops ?? []).length, unparsed: 0, ignored: 0, truncated: 0 },
    },
    mail: null,
    issues: [],
    rawBase64: Buffer.from('Subject: hi\r\n\r\nbody\r\n').toString('base64'),
    parsedAt: '2026-11-22T10:00:01.000Z',
  };
}

/** Answers: `PTR <ip>`, `A <name>`, `AAAA <name>` -> names/addresses, an error code, or 'hang'. */
export type FakeAnswers = Record<string, string[] | { error: string } | 'hang'>;

export function fakeDns(answers: FakeAnswers): DnsLookup & { asked: string[] } {
  const asked: string[] = [];
  const answer = (key: string): Promise<LookupResult> => {
    asked.push(key);
    const a = answers[key];
    if (a === 'hang') return new Promise<LookupResult>(() => undefined);
    if (a === undefined) return Promise.resolve({ ok: true, value: [] });
    if (Array.isArray(a)) return Promise.resolve({ ok: true, value: a });
    return Promise.resolve({ ok: false, error: a.error });
  };
  const stats: DnsStats = { queries: 0, cacheHits: 0, cacheMisses: 0, coalesced: 0, failures: 0, cacheSize: 0 };
  return {
    asked,
    ptr: (ip) => answer(`PTR ${ip}`),
    addresses: (name, family) => answer(`${family === 4 ? 'A' : 'AAAA'} ${name}`),
    stats: () => stats,
    close: () => undefined,
  };
}
