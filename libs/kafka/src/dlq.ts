// Builds DLQ records: the original key, bytes and headers unchanged, plus reason/stage/source headers.
import { DLQ_HEADERS, type DlqRecord } from '@spamtrap/contracts';
import type { IncomingRecord, OutgoingRecord } from './types.js';

/** Error text is attacker-influenced (it may quote input) and lands in a header: 2000 chars is enough to read. */
export const DLQ_ERROR_MAX_CHARS = 2000;

export interface DlqReason {
  reason: string;
  error?: string | null;
  evidenceId?: string | null;
}

/** A DLQ record for `source`: value = original bytes, key = original key, original headers kept. */
export function buildDlqRecord(source: IncomingRecord, why: DlqReason, stage: string, dlqTopic: string, now: Date = new Date()): OutgoingRecord {
  const info: DlqRecord = {
    v: 1,
    reason: why.reason,
    error: why.error == null ? null : why.error.slice(0, DLQ_ERROR_MAX_CHARS),
    stage,
    sourceTopic: source.topic,
    partition: source.partition,
    offset: source.offset,
    evidenceId: why.evidenceId ?? null,
    at: now.toISOString(),
  };
  const headers: Record<string, string | Buffer> = {};
  for (const [k, v] of Object.entries(source.headers)) if (v !== undefined) headers[k] = v;
  // Ours last: an original header with one of our names must not forge the reason or the source.
  headers[DLQ_HEADERS.reason] = info.reason;
  headers[DLQ_HEADERS.stage] = stage;
  headers[DLQ_HEADERS.sourceTopic] = source.topic;
  headers[DLQ_HEADERS.partition] = String(source.partition);
  headers[DLQ_HEADERS.offset] = source.offset;
  headers[DLQ_HEADERS.info] = JSON.stringify(info);
  // A null (tombstone) value has no bytes to keep; an empty value stands for it.
  return { topic: dlqTopic, key: source.key, value: source.value ?? Buffer.alloc(0), headers };
}

/** Reads the DLQ facts back from a consumed DLQ record (tests, the replay tool); null if absent or malformed. */
export function readDlqHeaders(record: IncomingRecord): DlqRecord | null {
  const raw = record.headers[DLQ_HEADERS.info];
  if (raw === undefined) return null;
  try {
    const info = JSON.parse(raw.toString('utf8')) as DlqRecord;
    return typeof info === 'object' && info !== null && info.v === 1 ? info : null;
  } catch {
    return null;
  }
}
