// Builds the evidence document for one verdict record: pure, deterministic, bounded and redacted.
import type { ReceivedHop, Reason, VerdictRecord } from '@spamtrap/contracts';
import { bound, boundList, boundOrNull, dateOrNull, intOrNull, numOrNull } from './bound.js';
import { ipList, isIp } from './ip-check.js';
import {
  MAX_ADDRESSES,
  MAX_ATTACHMENTS,
  MAX_HOPS,
  MAX_LIST,
  MAX_RAW_BYTES,
  MAX_RELATED,
  MAX_SUBJECT_CHARS,
  MAX_URL_CHARS,
  MAX_URL_DOMAINS,
  MAX_URLS,
} from './limits.js';
import { evidenceIndexFor } from './names.js';
import { keyAddress } from './nomination.js';
import { addressesIn, createRedactor, redactDeep, type Redactor } from './redact.js';
import { ECS_VERSION } from './templates.js';

export interface EvidenceDocOptions {
  prefix: string;
  /** HMAC key for trap tokens (empty: plain sha256). */
  redactionSecret?: string;
  /** Domains whose every address is a trap address (redacted even when not a recipient of this message). */
  trapDomains?: readonly string[];
  /** Keep the raw message in `spamtrap.restricted.raw` (default true). */
  storeRaw?: boolean;
  /** `event.ingested`; injected so builders stay deterministic in tests. */
  ingestedAt?: string;
}

export interface BuiltDoc {
  index: string;
  id: string;
  doc: Record<string, unknown>;
}

/** Headers that name the recipient: their addresses are trap addresses too. */
const RECIPIENT_HEADERS = new Set(['to', 'cc', 'delivered-to', 'x-original-to', 'envelope-to', 'x-envelope-to', 'x-rcpt-to', 'x-delivered-to', 'apparently-to']);
/** Import timestamps from headers outside this window fall back to the import time (forged dates). */
const EARLIEST_PLAUSIBLE = Date.parse('1990-01-01T00:00:00Z');
const MAX_FUTURE_SKEW_MS = 24 * 3600 * 1000;

/** Every recipient address of the message: RCPT TO, Received `for`, To and delivery headers. */
export function recipientAddresses(v: VerdictRecord): string[] {
  const out: string[] = [];
  const smtp = v.parsed?.facts?.smtp;
  if (smtp && Array.isArray(smtp.rcptTo)) for (const r of smtp.rcptTo.slice(0, MAX_ADDRESSES)) if (typeof r === 'string') out.push(r.slice(0, 320));
  for (const h of (v.parsed?.walk?.hops ?? []).slice(0, MAX_HOPS)) if (typeof h?.for === 'string') out.push(...addressesIn(h.for));
  const mail = v.parsed?.mail;
  if (mail) {
    for (const t of (mail.to ?? []).slice(0, MAX_ADDRESSES)) if (typeof t === 'string') out.push(...addressesIn(t));
    for (const [k, val] of Object.entries(mail.extraHeaders ?? {}).slice(0, MAX_LIST)) {
      if (RECIPIENT_HEADERS.has(k.toLowerCase()) && typeof val === 'string') out.push(...addressesIn(val));
    }
  }
  return out;
}

/**
 * The document time: the sink's acceptance time; for imports the top Received date (written by the
 * operator's own MX), else the Date header, else the import time. Never the wall clock, so a replay
 * of the same record lands in the same monthly index.
 */
export function evidenceTime(v: VerdictRecord): string {
  const facts = v.parsed.facts;
  const accepted = dateOrNull(facts.smtp?.acceptedAt);
  if (facts.source === 'smtp' && accepted !== null) return accepted;
  const importedAt = dateOrNull(facts.import?.importedAt) ?? dateOrNull(v.decidedAt) ?? dateOrNull(v.parsed.parsedAt);
  const ceiling = (importedAt !== null ? Date.parse(importedAt) : Number.MAX_SAFE_INTEGER) + MAX_FUTURE_SKEW_MS;
  for (const c of [v.parsed.walk?.hops?.[0]?.date, v.parsed.mail?.date]) {
    const d = dateOrNull(c);
    if (d !== null && Date.parse(d) >= EARLIEST_PLAUSIBLE && Date.parse(d) <= ceiling) return d;
  }
  if (importedAt !== null) return importedAt;
  throw new Error('verdict record has no usable time (acceptedAt, importedAt, decidedAt)');
}

function confidenceLabel(c: number | null): string | null {
  if (c === null) return null;
  return c >= 0.8 ? 'High' : c >= 0.5 ? 'Medium' : 'Low';
}

function boundDetail(detail: Reason['detail']): Record<string, unknown> | undefined {
  if (!detail || typeof detail !== 'object') return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(detail).slice(0, MAX_LIST)) {
    const key = bound(k, 64);
    if (typeof val === 'string') out[key] = bound(val);
    else if (Array.isArray(val)) out[key] = boundList(val, MAX_LIST);
    else if (typeof val === 'number' || typeof val === 'boolean' || val === null) out[key] = val;
  }
  return out;
}

function reasonParts(reasons: readonly Reason[] | undefined): { codes: string[]; details: unknown[] } {
  const list: readonly Reason[] = Array.isArray(reasons) ? (reasons as readonly Reason[]).slice(0, MAX_LIST) : [];
  return {
    codes: boundList(list.map((r) => r?.code), MAX_LIST, 128),
    details: list.map((r) => ({ code: bound(String(r?.code ?? ''), 128), hop: intOrNull(r?.hop), detail: boundDetail(r?.detail) })),
  };
}

function hopDoc(h: ReceivedHop, index: number, boundary: number): Record<string, unknown> {
  return {
    index,
    kind: boundOrNull(h.kind, 32),
    from_helo: boundOrNull(h.fromHelo),
    from_rdns: boundOrNull(h.fromRdns),
    from_ip: isIp(h.fromIp) ? h.fromIp : null,
    from_ip_text: h.fromIp !== null && !isIp(h.fromIp) ? boundOrNull(h.fromIp) : null,
    ident: boundOrNull(h.ident),
    by: boundOrNull(h.by),
    with: boundOrNull(h.with, 64),
    auth: h.auth === true,
    tls: h.tls === true,
    id: boundOrNull(h.id),
    for: boundOrNull(h.for),
    date: dateOrNull(h.date),
    mta: boundOrNull(h.mta, 64),
    note: boundOrNull(h.note),
    // Headers at or above the boundary were written by the operator's own hosts.
    trusted: boundary >= 0 && index <= boundary,
  };
}

function extension(name: string | null): string | null {
  if (name === null) return null;
  const m = /\.([A-Za-z0-9]{1,16})$/.exec(name);
  return m?.[1] ? m[1].toLowerCase() : null;
}

/** Drops null / undefined / empty-array members so documents stay small and Kibana shows only facts. */
function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prune);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === null || v === undefined) continue;
      if (Array.isArray(v) && v.length === 0) continue;
      const p = prune(v);
      if (p !== null && typeof p === 'object' && !Array.isArray(p) && Object.keys(p).length === 0) continue;
      out[k] = p;
    }
    return out;
  }
  return value;
}

/**
 * The verdict's nomination when it is usable: a valid peer IP and a key that is an IPv4 address or
 * an IPv6 /64 (it becomes a document `_id`, limited to 512 bytes). Anything else is not nominated.
 */
export function nominationOf(v: VerdictRecord): VerdictRecord['nomination'] {
  const n = v.nomination;
  if (n === null || n === undefined || typeof n !== 'object') return null;
  if (!isIp(n.ip) || typeof n.key !== 'string' || keyAddress(n.key) === null) return null;
  if (n.probe !== null && n.probe !== 'relay' && n.probe !== 'proxy') return null;
  return n;
}

/** Restricted paths are the only place trap addresses may appear. */
export const RESTRICTED_PATH = 'spamtrap.restricted';

/** Builds `{ index, id, doc }` for the evidence index from a verdict record. Throws only on records with no usable time. */
export function buildEvidenceDoc(v: VerdictRecord, opts: EvidenceDocOptions): BuiltDoc {
  const parsed = v.parsed;
  const facts = parsed.facts;
  const smtp = facts.smtp;
  const walk = parsed.walk;
  const mail = parsed.mail;
  const ts = evidenceTime(v);
  const redactor: Redactor = createRedactor(recipientAddresses(v), opts.redactionSecret ?? '', opts.trapDomains ?? []);
  const hops = (Array.isArray(walk?.hops) ? walk.hops : []).slice(0, MAX_HOPS);
  const boundary = intOrNull(walk?.boundary) ?? -1;
  const relay = walk?.relay ?? null;
  const dns = v.dns;
  const verdictReasons = reasonParts(v.reasons);
  const walkReasons = reasonParts(walk?.reasons);
  const issues = reasonParts(parsed.issues);
  const rawConfidence = numOrNull(v.confidence);
  const confidence = rawConfidence !== null && rawConfidence >= 0 && rawConfidence <= 1 ? rawConfidence : null;
  const rdns = dns?.fcrdns ?? dns?.ptr?.[0] ?? relay?.rdns ?? null;
  const attachments = (mail?.attachments ?? []).slice(0, MAX_ATTACHMENTS);
  const urls = boundList(mail?.urls, MAX_URLS, MAX_URL_CHARS);

  const relatedIps = ipList(
    [relay?.ip, smtp?.peer?.ip, smtp?.proxiedBy?.ip, ...hops.map((h) => h.fromIp), ...(walk?.claimedIps ?? []), ...(dns?.heloAddresses ?? [])],
    MAX_RELATED,
  );
  const relatedHosts = boundList(
    [smtp?.helo, relay?.helo, relay?.rdns, ...(dns?.ptr ?? []), dns?.fcrdns, ...hops.flatMap((h) => [h.fromHelo, h.fromRdns, h.by])],
    MAX_RELATED,
  );
  const nomination = nominationOf(v);

  const doc = {
    '@timestamp': ts,
    ecs: { version: ECS_VERSION },
    event: {
      kind: 'event',
      category: ['email'],
      type: ['info'],
      dataset: 'spamtrap.evidence',
      module: 'spamtrap',
      provider: facts.source === 'smtp' ? 'smtp-sink' : 'import',
      id: v.evidenceId,
      created: ts,
      ingested: opts.ingestedAt ?? new Date().toISOString(),
    },
    observer: smtp
      ? { name: boundOrNull(smtp.sinkId), type: 'mta', product: 'spamtrap', ip: isIp(smtp.local?.ip) ? smtp.local.ip : null }
      : null,
    source: relay && isIp(relay.ip) ? { ip: relay.ip, address: relay.ip, port: relay.source === 'session' ? intOrNull(smtp?.peer?.port) : null, domain: boundOrNull(rdns) } : null,
    destination: smtp && isIp(smtp.local?.ip) ? { ip: smtp.local.ip, port: intOrNull(smtp.local.port) } : null,
    tls: smtp?.tls ? { established: true, version_protocol: boundOrNull(smtp.tls.protocol, 64), cipher: boundOrNull(smtp.tls.cipher, 128) } : null,
    email: mail
      ? {
          direction: 'inbound',
          local_id: v.evidenceId,
          from: { address: boundList(mail.from, MAX_ADDRESSES) },
          sender: { address: boundOrNull(mail.sender) },
          reply_to: { address: boundList(mail.replyTo, MAX_ADDRESSES) },
          to: { address: boundList(mail.to, MAX_ADDRESSES) },
          subject: boundOrNull(mail.subject, MAX_SUBJECT_CHARS),
          message_id: boundOrNull(mail.messageId),
          x_mailer: boundOrNull(mail.xMailer),
          content_type: boundOrNull(mail.contentType),
          origination_timestamp: dateOrNull(mail.date),
          attachments: attachments.map((a) => ({
            file: {
              name: boundOrNull(a.filename),
              extension: extension(a.filename),
              mime_type: boundOrNull(a.contentType, 255),
              size: intOrNull(a.size),
              hash: { sha256: boundOrNull(a.sha256, 64) },
            },
          })),
        }
      : null,
    url: mail ? { domain: boundList(mail.urlDomains, MAX_URL_DOMAINS), full: urls } : null,
    related: {
      ip: relatedIps,
      hosts: relatedHosts,
      hash: boundList([facts.sha256, ...attachments.map((a) => a.sha256)], MAX_RELATED, 64),
    },
    threat: nomination
      ? {
          indicator: {
            type: nomination.ip.includes(':') ? 'ipv6-addr' : 'ipv4-addr',
            ip: nomination.ip,
            provider: 'spamtrap',
            confidence: confidenceLabel(confidence),
            description: bound(`${v.class}: ${verdictReasons.codes.join(', ')}`),
          },
        }
      : null,
    spamtrap: {
      source_kind: facts.source,
      message: { size: intOrNull(facts.size), sha256: boundOrNull(facts.sha256, 64) },
      trap: { ids: redactor.tokens },
      verdict: {
        class: boundOrNull(v.class, 64),
        confidence,
        reasons: verdictReasons.codes,
        reason_details: verdictReasons.details,
        decided_at: dateOrNull(v.decidedAt),
      },
      nomination: nomination ? { key: boundOrNull(nomination.key, 64), ip: nomination.ip, probe: nomination.probe } : null,
      smtp: smtp
        ? {
            sink_id: boundOrNull(smtp.sinkId),
            connection_id: boundOrNull(smtp.connectionId),
            transaction: intOrNull(smtp.transaction),
            helo: boundOrNull(smtp.helo),
            helo_verb: boundOrNull(smtp.heloVerb, 8),
            mail_from: smtp.mailFrom === '' ? '<>' : boundOrNull(smtp.mailFrom),
            tls: smtp.tls !== null && smtp.tls !== undefined,
            proxied_by: isIp(smtp.proxiedBy?.ip) ? smtp.proxiedBy.ip : null,
            anomalies: boundList((smtp.anomalies ?? []).map((a) => a?.code), MAX_LIST, 64),
            anomaly_details: (smtp.anomalies ?? []).slice(0, MAX_LIST).map((a) => ({ code: bound(String(a?.code ?? ''), 64), detail: boundOrNull(a?.detail), at_ms: intOrNull(a?.atMs) })),
          }
        : null,
      received: {
        hops: hops.map((h, i) => hopDoc(h, i, boundary)),
        boundary,
        count: intOrNull(walk?.counts?.total),
        unparsed: intOrNull(walk?.counts?.unparsed),
        ignored: intOrNull(walk?.counts?.ignored),
        truncated: intOrNull(walk?.counts?.truncated),
        claimed_ips: ipList(walk?.claimedIps ?? [], MAX_RELATED),
        reasons: walkReasons.codes,
      },
      relay: relay
        ? {
            ip: isIp(relay.ip) ? relay.ip : null,
            helo: boundOrNull(relay.helo),
            rdns: boundOrNull(relay.rdns),
            by: boundOrNull(relay.by),
            index: intOrNull(relay.index),
            source: boundOrNull(relay.source, 16),
            auth: relay.auth === true,
            tls: relay.tls === true,
          }
        : null,
      dns: dns
        ? {
            ptr: boundList(dns.ptr ?? [], MAX_LIST),
            fcrdns: boundOrNull(dns.fcrdns),
            helo_addresses: ipList(dns.heloAddresses ?? [], MAX_LIST),
            errors: boundList(Object.entries(dns.errors ?? {}).map(([k, e]) => `${k}:${String(e)}`), MAX_LIST, 128),
          }
        : null,
      mail: mail
        ? {
            from_domains: boundList(mail.fromDomains, MAX_ADDRESSES),
            reply_to_domains: boundList(mail.replyToDomains, MAX_ADDRESSES),
            message_id_domain: boundOrNull(mail.messageIdDomain),
            url_domains: boundList(mail.urlDomains, MAX_URL_DOMAINS),
            url_count: Array.isArray(mail.urls) ? mail.urls.length : 0,
            attachment_count: Array.isArray(mail.attachments) ? mail.attachments.length : 0,
            attachment_types: boundList(attachments.map((a) => a.contentType), MAX_ATTACHMENTS, 255),
            header_count: intOrNull(mail.headerCount),
            headers: boundList(
              Object.entries(mail.extraHeaders ?? {})
                .slice(0, MAX_LIST)
                .map(([k, val]) => `${bound(k, 128).toLowerCase()}: ${bound(String(val))}`),
              MAX_LIST,
            ),
            issues: issues.codes,
            auto_reply: mail.autoReply
              ? { dsn: mail.autoReply.dsn === true, auto_submitted: boundOrNull(mail.autoReply.autoSubmitted), precedence: boundOrNull(mail.autoReply.precedence) }
              : null,
          }
        : { issues: issues.codes },
      import: facts.import
        ? {
            archive: boundOrNull(facts.import.archive),
            file: boundOrNull(facts.import.file),
            format: boundOrNull(facts.import.format, 16),
            entry: intOrNull(facts.import.entry),
            imported_at: dateOrNull(facts.import.importedAt),
          }
        : null,
    },
  };

  // Everything outside `spamtrap.restricted` is public-facing: redact trap addresses in every string.
  const pub = redactDeep(prune(doc), redactor) as Record<string, unknown>;
  const spamtrap = pub['spamtrap'] as Record<string, unknown>;
  spamtrap['restricted'] = restrictedPart(v, redactor, opts.storeRaw ?? true);
  return { index: evidenceIndexFor(opts.prefix, ts), id: v.evidenceId, doc: pub };
}

function restrictedPart(v: VerdictRecord, redactor: Redactor, storeRaw: boolean): Record<string, unknown> {
  const raw = typeof v.parsed.rawBase64 === 'string' ? v.parsed.rawBase64 : '';
  // base64 length for MAX_RAW_BYTES bytes; longer raw is cut (on a 4-char boundary) and flagged.
  const maxB64 = Math.ceil(MAX_RAW_BYTES / 3) * 4;
  const out: Record<string, unknown> = {
    rcpt_to: boundList(v.parsed.facts.smtp?.rcptTo?.map((r) => (typeof r === 'string' ? r.toLowerCase() : r)) ?? [], MAX_ADDRESSES),
    recipients: boundList(redactor.addresses, MAX_ADDRESSES),
    for_clauses: boundList((v.parsed.walk?.hops ?? []).map((h) => h?.for), MAX_HOPS),
    subject: boundOrNull(v.parsed.mail?.subject, MAX_SUBJECT_CHARS),
  };
  if (storeRaw && raw !== '') {
    out['raw'] = raw.length > maxB64 ? raw.slice(0, maxB64) : raw;
    out['raw_encoding'] = 'base64';
    out['raw_truncated'] = raw.length > maxB64;
  }
  return prune(out) as Record<string, unknown>;
}
