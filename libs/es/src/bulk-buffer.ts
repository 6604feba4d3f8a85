// Batches bulk operations by count, bytes and time, and hands each caller the result of its own op.
import { opByteSize } from './ndjson.js';
import type { BulkItemResult, BulkOp, BulkWriteOptions, EsStore } from './types.js';

export interface BulkBufferOptions {
  /** Flush when this many ops are buffered (default 500). */
  maxDocs?: number;
  /**
   * Flush before the NDJSON body would exceed this many bytes (default 5 MiB: Elastic's guidance
   * is 5-15 MB per bulk; http.max_content_length is 100 MB). One op larger than this is sent alone.
   */
  maxBytes?: number;
  /** Flush this long after the first op of a batch was added (default 1000 ms). */
  maxWaitMs?: number;
  refresh?: BulkWriteOptions['refresh'];
}

type Pending = { op: BulkOp; resolve: (r: BulkItemResult) => void; reject: (e: unknown) => void };

/**
 * `add(op)` resolves with that op's result once its batch was written (or rejects with the
 * batch's transient error, e.g. EsUnavailableError). Batches are sent one at a time, in order.
 * Always `await` (or catch) what `add` returns: a failed batch rejects every add of that batch.
 */
export class BulkBuffer {
  private readonly maxDocs: number;
  private readonly maxBytes: number;
  private readonly maxWaitMs: number;
  private batch: Pending[] = [];
  private bytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Pick<EsStore, 'bulkWrite'>,
    private readonly opts: BulkBufferOptions = {},
  ) {
    this.maxDocs = opts.maxDocs ?? 500;
    this.maxBytes = opts.maxBytes ?? 5 * 1024 * 1024;
    this.maxWaitMs = opts.maxWaitMs ?? 1000;
    if (this.maxDocs < 1 || this.maxBytes < 1 || this.maxWaitMs < 0) throw new RangeError('BulkBuffer: maxDocs and maxBytes must be >= 1, maxWaitMs >= 0');
  }

  add(op: BulkOp): Promise<BulkItemResult> {
    const size = opByteSize(op);
    if (this.batch.length > 0 && this.bytes + size > this.maxBytes) this.cut();
    const p = new Promise<BulkItemResult>((resolve, reject) => this.batch.push({ op, resolve, reject }));
    this.bytes += size;
    if (this.batch.length >= this.maxDocs || this.bytes >= this.maxBytes) this.cut();
    else if (this.timer === null) {
      // Not unref'd: buffered ops keep the process alive until they are sent.
      this.timer = setTimeout(() => this.cut(), this.maxWaitMs);
    }
    return p;
  }

  /** Send what is buffered and wait until every batch sent so far has been answered. Never rejects. */
  async flush(): Promise<void> {
    this.cut();
    await this.chain;
  }

  /** Ops buffered and not yet sent. */
  get size(): number {
    return this.batch.length;
  }

  private cut(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    this.bytes = 0;
    const refresh = this.opts.refresh;
    this.chain = this.chain.then(async () => {
      try {
        const results = await this.store.bulkWrite(
          batch.map((p) => p.op),
          refresh ? { refresh } : {},
        );
        batch.forEach((p, i) => p.resolve(results[i]!));
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    });
  }
}
