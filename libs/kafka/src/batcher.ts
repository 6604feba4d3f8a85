// Coalesces concurrent publish() calls into one serialised produce request, settling each caller on ack.
import { PublishTimeoutError, PublisherClosedError } from './errors.js';
import type { OutgoingRecord } from './types.js';

export interface BatcherOptions {
  /** Writes the records durably (one produce request); rejects on failure. Never called concurrently. */
  send(records: OutgoingRecord[]): Promise<void>;
  /** Wait this long after the first queued publish for others to join (ms). */
  lingerMs: number;
  maxBatchRecords: number;
  maxBatchBytes: number;
  /**
   * After a coalesced batch failed: true when the error may be caused by one caller's records
   * (e.g. MESSAGE_TOO_LARGE), so each caller is retried alone and innocent callers still succeed.
   */
  isRecordSpecificError?(err: unknown): boolean;
}

interface Entry {
  records: OutgoingRecord[];
  bytes: number;
  settled: boolean;
  resolve(): void;
  reject(err: unknown): void;
}

/** Per-record framing overhead in a v2 record batch, roughly (varints, attributes, header keys). */
const RECORD_OVERHEAD_BYTES = 32;

/** Approximate wire size of a record, used only to bound the coalesced batch. */
export function recordBytes(r: OutgoingRecord): number {
  let n = RECORD_OVERHEAD_BYTES + Buffer.byteLength(r.value) + (r.key === null ? 0 : Buffer.byteLength(r.key));
  for (const [k, v] of Object.entries(r.headers ?? {})) n += Buffer.byteLength(k) + Buffer.byteLength(v) + 4;
  return n;
}

/**
 * Splits records into sends within the bounds (a record larger than `maxBytes` goes alone): the
 * broker checks each partition's record batch against the topic's `max.message.bytes`, so one
 * caller's 500 outputs must not travel as one oversized batch.
 */
export function splitRecords(records: OutgoingRecord[], maxRecords: number, maxBytes: number): OutgoingRecord[][] {
  const parts: OutgoingRecord[][] = [];
  let part: OutgoingRecord[] = [];
  let bytes = 0;
  for (const r of records) {
    const n = recordBytes(r);
    if (part.length > 0 && (part.length >= maxRecords || bytes + n > maxBytes)) {
      parts.push(part);
      part = [];
      bytes = 0;
    }
    part.push(r);
    bytes += n;
  }
  if (part.length > 0) parts.push(part);
  return parts;
}

export class PublishBatcher {
  private queue: Entry[] = [];
  private inFlight: Promise<void> | null = null;
  private lingerTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly opts: BatcherOptions) {}

  /** Queue records; resolves when they were acknowledged, rejects on failure or after `timeoutMs`. */
  submit(records: OutgoingRecord[], timeoutMs: number): Promise<void> {
    if (this.closed) return Promise.reject(new PublisherClosedError());
    if (records.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (entry.settled) return;
        entry.settled = true;
        // Still queued: take it out so it is never sent. Already in flight: it may still be written
        // (at-least-once); the caller answers "try again later" and its retry may duplicate it.
        const i = this.queue.indexOf(entry);
        if (i >= 0) this.queue.splice(i, 1);
        reject(new PublishTimeoutError(timeoutMs));
      }, timeoutMs);
      const entry: Entry = {
        records,
        bytes: records.reduce((n, r) => n + recordBytes(r), 0),
        settled: false,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      };
      this.queue.push(entry);
      this.schedule();
    });
  }

  /** Records waiting plus in flight, for metrics and tests. */
  get pending(): number {
    return this.queue.length + (this.inFlight === null ? 0 : 1);
  }

  /** Stop accepting, then send everything queued; resolves when nothing is queued or in flight. */
  async drain(): Promise<void> {
    this.closed = true;
    while (this.queue.length > 0 || this.inFlight !== null) {
      this.kick();
      if (this.inFlight !== null) await this.inFlight;
    }
  }

  /** Reject everything still queued (used when close gives up waiting). */
  abandon(err: Error): void {
    this.closed = true;
    for (const e of this.queue.splice(0)) settle(e, err);
  }

  private schedule(): void {
    if (this.inFlight !== null) return; // the send loop picks the queue up when the current send ends
    const { records, bytes } = this.queuedSize();
    if (records >= this.opts.maxBatchRecords || bytes >= this.opts.maxBatchBytes || this.opts.lingerMs === 0) {
      this.kick();
      return;
    }
    this.lingerTimer ??= setTimeout(() => {
      this.lingerTimer = null;
      this.kick();
    }, this.opts.lingerMs);
  }

  private queuedSize(): { records: number; bytes: number } {
    let records = 0;
    let bytes = 0;
    for (const e of this.queue) {
      records += e.records.length;
      bytes += e.bytes;
    }
    return { records, bytes };
  }

  private kick(): void {
    if (this.inFlight !== null) return;
    if (this.lingerTimer !== null) {
      clearTimeout(this.lingerTimer);
      this.lingerTimer = null;
    }
    const batch = this.takeBatch();
    if (batch.length === 0) return;
    this.inFlight = this.sendEntries(batch).finally(() => {
      this.inFlight = null;
      // Whatever queued during the send has already waited at least one round trip: send it now.
      if (this.queue.length > 0) this.kick();
    });
  }

  private takeBatch(): Entry[] {
    const batch: Entry[] = [];
    let records = 0;
    let bytes = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      const fits = records + next.records.length <= this.opts.maxBatchRecords && bytes + next.bytes <= this.opts.maxBatchBytes;
      if (batch.length > 0 && !fits) break; // one caller always goes, even when alone it exceeds the bounds
      this.queue.shift();
      batch.push(next);
      records += next.records.length;
      bytes += next.bytes;
    }
    return batch;
  }

  /** Sends in bounded parts, in order; a failure leaves earlier parts written (at-least-once). */
  private async sendAll(records: OutgoingRecord[]): Promise<void> {
    for (const part of splitRecords(records, this.opts.maxBatchRecords, this.opts.maxBatchBytes)) await this.opts.send(part);
  }

  private async sendEntries(batch: Entry[]): Promise<void> {
    const live = batch.filter((e) => !e.settled);
    if (live.length === 0) return;
    try {
      await this.sendAll(live.flatMap((e) => e.records));
      for (const e of live) settle(e, null);
    } catch (err) {
      if (live.length > 1 && this.opts.isRecordSpecificError?.(err) === true) {
        for (const e of live) {
          if (e.settled) continue;
          try {
            await this.sendAll(e.records);
            settle(e, null);
          } catch (one) {
            settle(e, one);
          }
        }
        return;
      }
      for (const e of live) settle(e, err);
    }
  }
}

function settle(e: Entry, err: unknown): void {
  if (e.settled) return;
  e.settled = true;
  if (err === null) e.resolve();
  else e.reject(err);
}
