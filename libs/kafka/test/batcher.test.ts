// PublishBatcher: coalescing, serialised sends, per-caller timeouts, isolation of record-specific failures.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PublishBatcher } from '../src/batcher.js';
import { MemoryKafkaError, PublisherClosedError, PublishTimeoutError, type OutgoingRecord } from '../src/index.js';

const rec = (key: string, bytes = 10): OutgoingRecord => ({ topic: 't', key, value: Buffer.alloc(bytes) });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function recorder(opts: { delayMs?: number; fail?: (records: OutgoingRecord[]) => Error | null } = {}) {
  const sends: string[][] = [];
  let concurrent = 0;
  let maxConcurrent = 0;
  return {
    sends,
    maxConcurrent: () => maxConcurrent,
    send: async (records: OutgoingRecord[]): Promise<void> => {
      concurrent++;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      try {
        await sleep(opts.delayMs ?? 1);
        const err = opts.fail?.(records) ?? null;
        if (err !== null) throw err;
        sends.push(records.map((r) => String(r.key)));
      } finally {
        concurrent--;
      }
    },
  };
}

void describe('PublishBatcher', () => {
  void it('coalesces concurrent submits into one send and resolves each caller', async () => {
    const r = recorder();
    const b = new PublishBatcher({ send: r.send, lingerMs: 5, maxBatchRecords: 1000, maxBatchBytes: 1e6 });
    await Promise.all(Array.from({ length: 50 }, (_, i) => b.submit([rec(`k${i}`)], 1000)));
    assert.equal(r.sends.length, 1);
    assert.equal(r.sends[0]!.length, 50);
  });

  void it('never runs two sends at once and respects record and byte bounds', async () => {
    const r = recorder({ delayMs: 5 });
    const b = new PublishBatcher({ send: r.send, lingerMs: 1, maxBatchRecords: 10, maxBatchBytes: 10_000 });
    await Promise.all(Array.from({ length: 100 }, (_, i) => b.submit([rec(`k${i}`, 500)], 5000)));
    assert.equal(r.maxConcurrent(), 1);
    assert.ok(r.sends.every((s) => s.length <= 10));
    assert.equal(r.sends.flat().length, 100);
    assert.equal(new Set(r.sends.flat()).size, 100);
  });

  void it('sends a caller larger than the byte bound alone instead of refusing it', async () => {
    const r = recorder();
    const b = new PublishBatcher({ send: r.send, lingerMs: 1, maxBatchRecords: 10, maxBatchBytes: 1000 });
    await Promise.all([b.submit([rec('small')], 1000), b.submit([rec('huge', 50_000)], 1000)]);
    assert.deepEqual(r.sends, [['small'], ['huge']]);
  });

  void it('keeps callers whole when coalescing and their records in order', async () => {
    const r = recorder();
    const b = new PublishBatcher({ send: r.send, lingerMs: 1, maxBatchRecords: 3, maxBatchBytes: 1e6 });
    await Promise.all([b.submit([rec('a1'), rec('a2')], 1000), b.submit([rec('b1'), rec('b2')], 1000)]);
    assert.deepEqual(r.sends, [['a1', 'a2'], ['b1', 'b2']]);
  });

  void it('splits one caller bigger than the bounds into bounded sends, in order', async () => {
    const r = recorder();
    const b = new PublishBatcher({ send: r.send, lingerMs: 1, maxBatchRecords: 2, maxBatchBytes: 1e6 });
    await b.submit([rec('1'), rec('2'), rec('3'), rec('4'), rec('5')], 1000);
    assert.deepEqual(r.sends, [['1', '2'], ['3', '4'], ['5']]);
    const bytes = recorder();
    const c = new PublishBatcher({ send: bytes.send, lingerMs: 1, maxBatchRecords: 100, maxBatchBytes: 1000 });
    await c.submit([rec('a', 400), rec('b', 400), rec('c', 400), rec('huge', 5000), rec('d', 10)], 1000);
    assert.deepEqual(bytes.sends, [['a', 'b'], ['c'], ['huge'], ['d']]);
  });

  void it('rejects every caller of a failed batch', async () => {
    const r = recorder({ fail: () => new Error('broker down') });
    const b = new PublishBatcher({ send: r.send, lingerMs: 5, maxBatchRecords: 100, maxBatchBytes: 1e6 });
    const results = await Promise.allSettled([b.submit([rec('a')], 1000), b.submit([rec('b')], 1000)]);
    assert.deepEqual(results.map((x) => x.status), ['rejected', 'rejected']);
  });

  void it('retries callers alone after a record-specific refusal so innocent callers succeed', async () => {
    const r = recorder({ fail: (rs) => (rs.some((x) => x.key === 'poison') ? new MemoryKafkaError('MESSAGE_TOO_LARGE', 'too large') : null) });
    const b = new PublishBatcher({ send: r.send, lingerMs: 5, maxBatchRecords: 100, maxBatchBytes: 1e6, isRecordSpecificError: (e) => e instanceof MemoryKafkaError });
    const results = await Promise.allSettled([b.submit([rec('a')], 1000), b.submit([rec('poison')], 1000), b.submit([rec('c')], 1000)]);
    assert.deepEqual(results.map((x) => x.status), ['fulfilled', 'rejected', 'fulfilled']);
  });

  void it('rejects a caller at its timeout while the send hangs, and never sends a caller that timed out while queued', async () => {
    let release!: () => void;
    const sends: string[][] = [];
    const b = new PublishBatcher({
      send: (rs) => {
        sends.push(rs.map((x) => String(x.key)));
        return new Promise<void>((res) => (release = res));
      },
      lingerMs: 0,
      maxBatchRecords: 1,
      maxBatchBytes: 1e6,
    });
    const t0 = Date.now();
    const first = b.submit([rec('first')], 50);
    const queued = b.submit([rec('queued')], 50);
    await assert.rejects(first, PublishTimeoutError);
    await assert.rejects(queued, PublishTimeoutError);
    assert.ok(Date.now() - t0 < 500);
    release();
    await b.drain();
    assert.deepEqual(sends, [['first']], 'the queued caller that timed out was dropped from the queue');
  });

  void it('drain sends what is queued, then refuses new submits', async () => {
    const r = recorder();
    const b = new PublishBatcher({ send: r.send, lingerMs: 1000, maxBatchRecords: 100, maxBatchBytes: 1e6 });
    const p = b.submit([rec('a')], 5000);
    await b.drain();
    await p;
    assert.deepEqual(r.sends, [['a']]);
    await assert.rejects(b.submit([rec('b')], 100), PublisherClosedError);
  });

  void it('resolves an empty submit at once', async () => {
    const r = recorder();
    const b = new PublishBatcher({ send: r.send, lingerMs: 5, maxBatchRecords: 10, maxBatchBytes: 1e6 });
    await b.submit([], 10);
    assert.equal(r.sends.length, 0);
  });
});
