// Builds the evidence document for an SMTP session without a message (HTTP or CONNECT to port 25, early talkers).
import { isEvidenceId, type SessionEvidenceRecord } from '@spamtrap/contracts';
import { bound, boundList, boundOrNull, dateOrNull, intOrNull } from './bound.js';
import { ipList, isIp } from './ip-check.js';
import { MAX_LIST, MAX_TRANSCRIPT_LINES } from './limits.js';
import { evidenceIndexFor } from './names.js';
import { createRedactor, redactDeep } from './redact.js';
import { ECS_VERSION } from './templates.js';
import type { BuiltDoc } from './evidence-doc.js';

/** Printable lines of a transcript are short; a proxy probe line fits easily in 512 characters. */
const MAX_TRANSCRIPT_LINE_CHARS = 512;

export interface SessionDocOptions {
  prefix: string;
  redactionSecret?: string;
  /** Addresses at these domains in the transcript are redacted (RCPT lines may name a trap). */
  trapDomains?: readonly string[];
  ingestedAt?: string;
}

/** A shape check for spamtrap.sessions records (the contracts lib has no decoder for them). */
export function isSessionRecord(o: unknown): o is SessionEvidenceRecord {
  if (typeof o !== 'object' || o === null) return false;
  const r = o as Record<string, unknown>;
  const peer = r['peer'] as Record<string, unknown> | undefined;
  return (
    r['v'] === 1 &&
    typeof r['evidenceId'] === 'string' &&
    isEvidenceId(r['evidenceId']) &&
    typeof r['openedAt'] === 'string' &&
    dateOrNull(r['openedAt']) !== null &&
    typeof peer === 'object' &&
    peer !== null &&
    isIp(peer['ip'])
  );
}

export function buildSessionDoc(s: SessionEvidenceRecord, opts: SessionDocOptions): BuiltDoc {
  const ts = dateOrNull(s.openedAt);
  if (ts === null) throw new Error('session record has no usable openedAt');
  const redactor = createRedactor([], opts.redactionSecret ?? '', opts.trapDomains ?? []);
  const anomalies = Array.isArray(s.anomalies) ? s.anomalies.slice(0, MAX_LIST) : [];
  const doc = {
    '@timestamp': ts,
    ecs: { version: ECS_VERSION },
    event: {
      kind: 'event',
      category: ['email', 'network'],
      type: ['connection'],
      dataset: 'spamtrap.session',
      module: 'spamtrap',
      provider: 'smtp-sink',
      id: s.evidenceId,
      created: ts,
      ingested: opts.ingestedAt ?? new Date().toISOString(),
    },
    observer: { name: bound(String(s.sinkId ?? '')), type: 'mta', product: 'spamtrap', ...(isIp(s.local?.ip) ? { ip: s.local.ip } : {}) },
    source: { ip: s.peer.ip, address: s.peer.ip, ...(intOrNull(s.peer.port) !== null ? { port: s.peer.port } : {}) },
    ...(isIp(s.local?.ip) ? { destination: { ip: s.local.ip, port: intOrNull(s.local.port) ?? undefined } } : {}),
    related: { ip: ipList([s.peer.ip, s.proxiedBy?.ip], 4), hosts: boundList([s.helo], 1) },
    spamtrap: {
      source_kind: 'smtp',
      smtp: {
        sink_id: bound(String(s.sinkId ?? '')),
        connection_id: bound(String(s.connectionId ?? '')),
        ...(boundOrNull(s.helo) !== null ? { helo: boundOrNull(s.helo) } : {}),
        ...(isIp(s.proxiedBy?.ip) ? { proxied_by: s.proxiedBy.ip } : {}),
        anomalies: boundList(anomalies.map((a) => a?.code), MAX_LIST, 64),
        anomaly_details: anomalies.map((a) => ({ code: bound(String(a?.code ?? ''), 64), detail: boundOrNull(a?.detail), at_ms: intOrNull(a?.atMs) })),
        transcript: boundList(Array.isArray(s.transcript) ? s.transcript : [], MAX_TRANSCRIPT_LINES, MAX_TRANSCRIPT_LINE_CHARS),
        messages: intOrNull(s.messages) ?? 0,
        opened_at: ts,
        ...(dateOrNull(s.closedAt) !== null ? { closed_at: dateOrNull(s.closedAt) } : {}),
      },
    },
  };
  return { index: evidenceIndexFor(opts.prefix, ts), id: s.evidenceId, doc: redactDeep(JSON.parse(JSON.stringify(doc)) as Record<string, unknown>, redactor) };
}
