// The parser's pure transformation: one spamtrap.raw record -> one spamtrap.parsed record or a DLQ outcome.
import { createHash } from 'node:crypto';
import { ContractError, RAW_HEADERS, decodeRawFacts, type ParsedRecord, type RawFacts, type Reason } from '@spamtrap/contracts';
import type { BatchHandler, IncomingRecord, RecordOutcome } from '@spamtrap/kafka';
import { extractMailFacts, type MailEngine, type MailFactsLimits } from '@spamtrap/mail-facts';
import type { TrustResolver } from './trust.js';
import { walkMessage } from './walk.js';

/** DLQ reasons this stage writes (besides the contract codes from decodeRawFacts). */
export const PARSER_DLQ_REASONS = {
  /** The `spamtrap-facts` header is absent. */
  missingFacts: 'MISSING_FACTS_HEADER',
  /** The value's size or sha256 differs from what the facts header says. */
  integrity: 'INTEGRITY_MISMATCH',
  /** The trust list (record's, sink's or default) does not compile. */
  trust: 'INVALID_TRUST_LIST',
  /** Even without the raw copy the parsed record exceeds the topic's record limit. */
  tooLarge: 'PARSED_TOO_LARGE',
  /** Anything unexpected while handling one record. */
  error: 'PARSER_ERROR',
} as const;

/** Issue added when rawBase64 had to be dropped to fit the parsed topic. */
export const RAW_TOO_LARGE_FOR_TOPIC = 'RAW_TOO_LARGE_FOR_TOPIC';

export interface ParseContext {
  /** Output topic (spamtrap.parsed). */
  parsedTopic: string;
  trust: TrustResolver;
  /** Largest parsed record value written, in bytes (the topic's max.message.bytes minus headroom). */
  maxParsedRecordBytes: number;
  mailLimits?: Partial<MailFactsLimits>;
  /** MIME engine (default split; mailparser = simpleParser itself, the reference). */
  mailEngine?: MailEngine;
}

const SHA256_HEX_RE = /^[0-9a-f]{64}$/i;

const errorText = (err: unknown): string => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

/** Transform one raw record; never rejects (an unexpected exception becomes a PARSER_ERROR DLQ outcome). */
export async function parseRecord(record: IncomingRecord, ctx: ParseContext): Promise<RecordOutcome> {
  let evidenceId: string | null = null;
  try {
    const header = record.headers[RAW_HEADERS.facts];
    if (header === undefined) {
      return { kind: 'dlq', reason: PARSER_DLQ_REASONS.missingFacts, error: `no ${RAW_HEADERS.facts} header`, evidenceId };
    }
    let facts: RawFacts;
    try {
      facts = decodeRawFacts(header);
    } catch (err) {
      if (err instanceof ContractError) return { kind: 'dlq', reason: err.reason, error: err.message, evidenceId };
      throw err;
    }
    evidenceId = facts.evidenceId;
    const shape = sessionProblem(facts);
    if (shape !== null) return { kind: 'dlq', reason: 'CONTRACT_VIOLATION', error: `raw facts: ${shape}`, evidenceId };
    const raw = record.value ?? Buffer.alloc(0);
    const integrity = checkIntegrity(raw, facts);
    if (integrity !== null) return { kind: 'dlq', reason: PARSER_DLQ_REASONS.integrity, error: integrity, evidenceId };

    let trusted: ReturnType<TrustResolver>;
    try {
      trusted = ctx.trust(facts);
    } catch (err) {
      return { kind: 'dlq', reason: PARSER_DLQ_REASONS.trust, error: errorText(err), evidenceId };
    }
    const walk = walkMessage(raw, facts, trusted);
    const mail = await extractMailFacts(raw, { ...(ctx.mailLimits === undefined ? {} : { limits: ctx.mailLimits }), engine: ctx.mailEngine ?? 'split' });

    const parsed: ParsedRecord = {
      v: 1,
      evidenceId,
      facts,
      walk,
      mail: mail.facts,
      issues: mail.issues,
      rawBase64: '', // filled in by encodeWithRaw, without building the string twice
      parsedAt: parsedAt(facts, record),
    };
    const value = encodeWithinLimit(parsed, raw, ctx.maxParsedRecordBytes);
    if (value === null) {
      return { kind: 'dlq', reason: PARSER_DLQ_REASONS.tooLarge, error: `parsed record over ${ctx.maxParsedRecordBytes} bytes even without the raw copy`, evidenceId };
    }
    return { kind: 'ok', outputs: [{ topic: ctx.parsedTopic, key: evidenceId, value }] };
  } catch (err) {
    return { kind: 'dlq', reason: PARSER_DLQ_REASONS.error, error: errorText(err), evidenceId };
  }
}

/** The stage handler: records one after another (CPU-bound; order kept), one outcome each. */
export function createParseHandler(ctx: ParseContext): BatchHandler {
  return async (records) => {
    const out: RecordOutcome[] = [];
    for (const r of records) out.push(await parseRecord(r, ctx));
    return out;
  };
}

/** The session fields the walk relies on, checked beyond what decodeRawFacts checks. */
function sessionProblem(facts: RawFacts): string | null {
  if (facts.source !== 'smtp') return null;
  const s = facts.smtp as Partial<NonNullable<RawFacts['smtp']>> | null;
  if (typeof s?.peer?.ip !== 'string') return 'smtp.peer.ip must be a string';
  if (s.helo !== null && typeof s.helo !== 'string') return 'smtp.helo must be a string or null';
  return null;
}

/** Null when the value is the message the facts describe, else what differs. */
function checkIntegrity(raw: Buffer, facts: RawFacts): string | null {
  if (!Number.isSafeInteger(facts.size) || facts.size !== raw.length) return `size: facts say ${facts.size}, value has ${raw.length} bytes`;
  if (!SHA256_HEX_RE.test(facts.sha256)) return 'sha256 in facts is not 64 hex digits';
  const actual = createHash('sha256').update(raw).digest('hex');
  if (actual !== facts.sha256.toLowerCase()) return `sha256: facts say ${facts.sha256}, value hashes to ${actual}`;
  return null;
}

/**
 * Derived from the input, not the clock, so that replaying a record yields byte-identical output:
 * the sink's acceptance time, else the import time, else the input record's broker timestamp.
 */
function parsedAt(facts: RawFacts, record: IncomingRecord): string {
  for (const t of [facts.smtp?.acceptedAt, facts.import?.importedAt]) {
    if (typeof t === 'string' && !Number.isNaN(Date.parse(t))) return new Date(Date.parse(t)).toISOString();
  }
  const ms = Number(record.timestamp);
  return new Date(Number.isFinite(ms) ? ms : 0).toISOString();
}

/** The top-level `rawBase64` member as JSON.stringify writes it for an empty string. */
const RAW_MEMBER = '"rawBase64":""';

/**
 * JSON of `parsed` with `raw` as rawBase64, written straight into one buffer: base64 never needs JSON
 * escaping, so the result is byte-identical to JSON.stringify of the full record without scanning and
 * copying the (largest) member several times.
 */
function encodeWithRaw(parsed: ParsedRecord, raw: Buffer): Buffer {
  const json = JSON.stringify({ ...parsed, rawBase64: '' });
  // The last occurrence is the top-level member: only parsedAt (an ISO date) follows it, and any
  // nested "rawBase64" key (inside facts) comes earlier.
  const at = json.lastIndexOf(RAW_MEMBER) + RAW_MEMBER.length - 1;
  const b64Len = Math.ceil(raw.length / 3) * 4;
  const headLen = Buffer.byteLength(json.slice(0, at), 'utf8');
  const out = Buffer.allocUnsafe(Buffer.byteLength(json, 'utf8') + b64Len);
  out.write(json.slice(0, at), 0, 'utf8');
  out.write(raw.toString('base64'), headLen, 'latin1');
  out.write(json.slice(at), headLen + b64Len, 'utf8');
  return out;
}

/** JSON of the record; drops rawBase64 (with an issue) when it would not fit; null if it still does not. */
function encodeWithinLimit(parsed: ParsedRecord, raw: Buffer, maxBytes: number): Buffer | null {
  const first = encodeWithRaw(parsed, raw);
  if (first.length <= maxBytes) return first;
  const issue: Reason = { code: RAW_TOO_LARGE_FOR_TOPIC, detail: { rawBytes: raw.length, recordBytes: first.length, maxBytes } };
  const slim: ParsedRecord = { ...parsed, rawBase64: '', issues: [...parsed.issues, issue] };
  const second = Buffer.from(JSON.stringify(slim), 'utf8');
  return second.length <= maxBytes ? second : null;
}
