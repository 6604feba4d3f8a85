// Contract suite every KafkaAdapter (kafkajs, in-memory fake) must pass: register with kafkaContractSuite(name, factory).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DLQ_HEADERS, TOPIC_MAX_RECORD_BYTES } from '@spamtrap/contracts';
import { readDlqHeaders } from '../dlq.js';
import { DLQ_REASONS } from '../stage-core.js';
import type { BatchHandler, IncomingRecord, KafkaAdapter, OutgoingRecord, RecordOutcome, RecordPublisher, StageConsumer, TopicAdmin } from '../types.js';

export interface KafkaContractTarget {
  adapter: KafkaAdapter;
  /** Longest wait for records to show up (real Kafka needs seconds for group joins). */
  waitMs: number;
  /** Extra time to watch for duplicates after the expected count arrived. */
  settleMs: number;
  close?(): Promise<void>;
}

export type KafkaContractFactory = () => Promise<KafkaContractTarget>;

/** Per-test bound: group joins and rebalances on a loaded 2-core box take seconds. */
const TEST_TIMEOUT_MS = 120_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** A publisher whose publish() fails while `failing()` is true (to prove commit-after-write). */
function flakyPublisher(inner: RecordPublisher, failing: () => boolean): RecordPublisher & { failures: number } {
  const p = {
    failures: 0,
    publish(records: OutgoingRecord[], opts?: { timeoutMs?: number }): Promise<void> {
      if (failing()) {
        p.failures++;
        return Promise.reject(new Error('injected: kafka unavailable'));
      }
      return inner.publish(records, opts);
    },
    isHealthy: () => inner.isHealthy(),
    close: () => Promise.resolve(),
  };
  return p;
}

const ok = (outputs: OutgoingRecord[]): RecordOutcome => ({ kind: 'ok', outputs });
const str = (b: Buffer | null): string => (b === null ? '<null>' : b.toString('utf8'));

export function kafkaContractSuite(name: string, factory: KafkaContractFactory): void {
  void describe(`KafkaAdapter contract: ${name}`, { timeout: TEST_TIMEOUT_MS * 10 }, () => {
    let target: KafkaContractTarget;
    let admin: TopicAdmin;
    let publisher: RecordPublisher;
    const created: string[] = [];
    const running = new Set<StageConsumer>();

    before(async () => {
      target = await factory();
      admin = target.adapter.createAdmin();
      publisher = target.adapter.createPublisher();
    });

    after(async () => {
      for (const c of running) await c.stop();
      await publisher.close();
      await admin.deleteTopics(created);
      await admin.close();
      await target.close?.();
    });

    const uid = (): string => `ct-${randomUUID().slice(0, 8)}`;
    async function topic(partitions: number, maxMessageBytes: number = TOPIC_MAX_RECORD_BYTES.raw): Promise<string> {
      const t = `${uid()}.t`;
      created.push(t);
      await admin.ensureTopics([{ topic: t, partitions, maxMessageBytes }]);
      return t;
    }
    function consumer(opts: { topic: string; groupId?: string; handler: BatchHandler; dlqTopic?: string; maxBatch?: number; partitionsConcurrently?: number; publisher?: RecordPublisher }): StageConsumer {
      const c = target.adapter.createStageConsumer(opts.publisher ?? publisher, {
        stage: 'contract',
        groupId: opts.groupId ?? uid(),
        topic: opts.topic,
        dlqTopic: opts.dlqTopic ?? `${opts.topic}.no-dlq`,
        handler: opts.handler,
        maxBatch: opts.maxBatch ?? 500,
        partitionsConcurrently: opts.partitionsConcurrently ?? 1,
      });
      const stop = c.stop.bind(c);
      running.add(c);
      return {
        start: () => c.start(),
        stop: async () => {
          running.delete(c);
          await stop();
        },
      };
    }
    /** Reads a whole topic with a fresh group: waits for `expected` records, then watches for extras. */
    async function readTopic(t: string, expected: number): Promise<IncomingRecord[]> {
      const got: IncomingRecord[] = [];
      const c = consumer({
        topic: t,
        handler: (records) => {
          got.push(...records);
          return Promise.resolve(records.map(() => ok([])));
        },
      });
      await c.start();
      try {
        await waitFor(() => got.length >= expected, target.waitMs, `${expected} records on ${t} (have ${got.length})`);
        await sleep(target.settleMs);
      } finally {
        await c.stop();
      }
      return got;
    }

    void it('publish then consume returns identical bytes, key and headers', { timeout: TEST_TIMEOUT_MS }, async () => {
      const t = await topic(3);
      const binary = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256)); // includes NUL and 0xff
      const records: OutgoingRecord[] = [
        { topic: t, key: 'k-binary', value: binary, headers: { 'x-text': 'héllo', 'x-bin': Buffer.from([0, 1, 254, 255]) } },
        { topic: t, key: 'k-string', value: '{"json":"ünïcode"}' },
        { topic: t, key: null, value: Buffer.alloc(0) },
      ];
      await publisher.publish(records);
      const got = await readTopic(t, 3);
      assert.equal(got.length, 3);
      const byKey = new Map(got.map((r) => [str(r.key), r]));
      const b = byKey.get('k-binary')!;
      assert.ok(b.value!.equals(binary));
      assert.equal(b.headers['x-text']!.toString('utf8'), 'héllo');
      assert.ok(b.headers['x-bin']!.equals(Buffer.from([0, 1, 254, 255])));
      assert.equal(b.topic, t);
      assert.match(b.offset, /^\d+$/);
      assert.match(b.timestamp, /^\d+$/);
      assert.equal(byKey.get('k-string')!.value!.toString('utf8'), '{"json":"ünïcode"}');
      const empty = byKey.get('<null>')!;
      assert.equal(empty.key, null);
      assert.equal(empty.value?.length ?? 0, 0);
    });

    void it('publish to a missing topic rejects (no auto-creation)', { timeout: TEST_TIMEOUT_MS }, async () => {
      const missing = `${uid()}.missing`;
      await assert.rejects(publisher.publish([{ topic: missing, key: 'k', value: 'v' }], { timeoutMs: 15_000 }));
    });

    void it('many concurrent publishes all resolve and every record is stored once', { timeout: TEST_TIMEOUT_MS }, async () => {
      const t = await topic(4);
      await Promise.all(Array.from({ length: 200 }, (_, i) => publisher.publish([{ topic: t, key: `k${i}`, value: `v${i}` }])));
      const got = await readTopic(t, 200);
      assert.equal(got.length, 200);
      assert.equal(new Set(got.map((r) => str(r.key))).size, 200);
      for (const r of got) assert.equal(str(r.value), `v${str(r.key).slice(1)}`);
    });

    void it('ensureTopics is idempotent and honours max.message.bytes', { timeout: TEST_TIMEOUT_MS }, async () => {
      const t = await topic(2, TOPIC_MAX_RECORD_BYTES.raw);
      await admin.ensureTopics([{ topic: t, partitions: 2, maxMessageBytes: TOPIC_MAX_RECORD_BYTES.raw }]);
      await admin.ensureTopics([{ topic: t, partitions: 2, maxMessageBytes: TOPIC_MAX_RECORD_BYTES.raw }]);
      // 5 MB: above the broker default of 1 MiB, so it only fits because the topic limit was raised.
      const big = Buffer.alloc(5 * 1024 * 1024);
      for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
      await publisher.publish([{ topic: t, key: 'big', value: big }], { timeoutMs: 60_000 });
      const got = await readTopic(t, 1);
      assert.equal(got.length, 1);
      assert.ok(got[0]!.value!.equals(big));

      const small = await topic(1, 100_000);
      await assert.rejects(publisher.publish([{ topic: small, key: 'too-big', value: Buffer.alloc(200_000) }], { timeoutMs: 30_000 }));
    });

    void it('commits only after outputs are written: stop and restart loses nothing and re-processes at most one chunk', { timeout: TEST_TIMEOUT_MS }, async () => {
      const input = await topic(2);
      const output = await topic(2);
      const n = 40;
      const maxBatch = 5;
      await publisher.publish(Array.from({ length: n }, (_, i) => ({ topic: input, key: `k${i}`, value: `in-${i}` })));
      const groupId = uid();
      const seenA: string[] = [];
      const seenB: string[] = [];
      const handler =
        (seen: string[]): BatchHandler =>
        (records) => {
          seen.push(...records.map((r) => str(r.key)));
          return Promise.resolve(records.map((r) => ok([{ topic: output, key: str(r.key), value: `out-${str(r.value)}` }])));
        };
      const stopA: { done: Promise<void> | null } = { done: null };
      const a = consumer({ topic: input, groupId, maxBatch, handler: (records) => {
        const res = handler(seenA)(records);
        if (seenA.length >= 15) stopA.done ??= a.stop(); // stop mid-stream; the chunk in flight must still commit
        return res;
      } });
      await a.start();
      await waitFor(() => stopA.done !== null, target.waitMs, 'consumer A to process 15 records');
      await stopA.done;
      assert.ok(seenA.length < n, 'A stopped before the end');

      const b = consumer({ topic: input, groupId, maxBatch, handler: handler(seenB) });
      await b.start();
      await waitFor(() => new Set([...seenA, ...seenB]).size === n, target.waitMs, 'every input processed by A or B');
      await sleep(target.settleMs);
      await b.stop();

      const again = seenB.filter((k) => seenA.includes(k));
      assert.ok(again.length <= maxBatch * 2, `re-processed ${again.length} inputs, at most one chunk per partition allowed`);
      const out = await readTopic(output, n);
      const keys = new Set(out.map((r) => str(r.key)));
      assert.equal(keys.size, n, 'an output for every input');
      assert.equal(out.length, seenA.length + seenB.length, 'one output per handled input');
    });

    void it('a throwing handler is retried with the same records and nothing is committed meanwhile', { timeout: TEST_TIMEOUT_MS }, async () => {
      const input = await topic(1);
      const output = await topic(1);
      await publisher.publish(Array.from({ length: 6 }, (_, i) => ({ topic: input, key: `k${i}`, value: `in-${i}` })));
      const groupId = uid();
      const attempts: string[][] = [];
      const a = consumer({
        topic: input,
        groupId,
        handler: (records) => {
          attempts.push(records.map((r) => r.offset));
          return Promise.reject(new Error('dependency down'));
        },
      });
      await a.start();
      await waitFor(() => attempts.length >= 3, target.waitMs, 'three handler attempts');
      await a.stop();
      assert.equal(attempts[0]![0], '0');
      assert.deepEqual(attempts[1], attempts[0], 'retried with the same records');

      // Nothing was committed: the same group starts again at offset 0; this time the handler recovers after one failure.
      let failOnce = true;
      const seen: string[] = [];
      const b = consumer({
        topic: input,
        groupId,
        handler: (records) => {
          if (failOnce) {
            failOnce = false;
            return Promise.reject(new Error('still flaky'));
          }
          seen.push(...records.map((r) => r.offset));
          return Promise.resolve(records.map((r) => ok([{ topic: output, key: str(r.key), value: str(r.value) }])));
        },
      });
      await b.start();
      await waitFor(() => seen.length >= 6, target.waitMs, 'B to process all six');
      await b.stop();
      assert.equal(seen[0], '0', 'the first record was never committed');
      const out = await readTopic(output, 6);
      assert.equal(new Set(out.map((r) => str(r.key))).size, 6);
    });

    void it('a failed output write is retried and the input is not committed until it succeeds', { timeout: TEST_TIMEOUT_MS }, async () => {
      const input = await topic(1);
      const output = await topic(1);
      await publisher.publish(Array.from({ length: 4 }, (_, i) => ({ topic: input, key: `k${i}`, value: `in-${i}` })));
      let failing = true;
      const flaky = flakyPublisher(publisher, () => failing);
      const groupId = uid();
      let handled = 0;
      const handler: BatchHandler = (records) => {
        handled += records.length;
        return Promise.resolve(records.map((r) => ok([{ topic: output, key: str(r.key), value: str(r.value) }])));
      };
      const a = consumer({ topic: input, groupId, handler, publisher: flaky });
      await a.start();
      await waitFor(() => flaky.failures >= 2, target.waitMs, 'two failed output writes');
      await a.stop();
      assert.equal(handled, 4, 'the handler ran once; only the write was retried');

      failing = false;
      const seen: string[] = [];
      const b = consumer({
        topic: input,
        groupId,
        publisher: flaky,
        handler: (records) => {
          seen.push(...records.map((r) => r.offset));
          return handler(records);
        },
      });
      await b.start();
      await waitFor(() => seen.length >= 4, target.waitMs, 'B to process all four');
      await b.stop();
      assert.equal(seen[0], '0', 'nothing was committed while writes failed');
      const out = await readTopic(output, 4);
      assert.equal(out.length, 4);
    });

    void it('DLQ records carry reason, stage, source topic, partition, offset and the original bytes', { timeout: TEST_TIMEOUT_MS }, async () => {
      const input = await topic(2);
      const output = await topic(1);
      const dlq = await topic(1, TOPIC_MAX_RECORD_BYTES.dlq);
      const poison = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x00, 0x80]);
      await publisher.publish([
        { topic: input, key: 'good', value: 'fine' },
        // An original header with one of our names must not forge the DLQ facts.
        { topic: input, key: 'bad', value: poison, headers: { 'x-orig': 'kept', [DLQ_HEADERS.reason]: 'FORGED' } },
      ]);
      let badAt: { partition: number; offset: string } | null = null;
      const c = consumer({
        topic: input,
        dlqTopic: dlq,
        handler: (records) => {
          for (const r of records) if (str(r.key) === 'bad') badAt = { partition: r.partition, offset: r.offset };
          return Promise.resolve(
            records.map((r): RecordOutcome => (str(r.key) === 'bad' ? { kind: 'dlq', reason: 'DECODE_FAILED', error: 'not JSON', evidenceId: 'ev-1' } : ok([{ topic: output, key: 'good', value: 'out' }]))),
          );
        },
      });
      await c.start();
      const dead = await readTopic(dlq, 1);
      await c.stop();
      assert.equal(dead.length, 1);
      const d = dead[0]!;
      assert.ok(d.value!.equals(poison), 'original bytes unchanged');
      assert.equal(str(d.key), 'bad');
      assert.equal(str(d.headers['x-orig'] ?? null), 'kept');
      assert.equal(str(d.headers[DLQ_HEADERS.reason] ?? null), 'DECODE_FAILED');
      assert.equal(str(d.headers[DLQ_HEADERS.stage] ?? null), 'contract');
      assert.equal(str(d.headers[DLQ_HEADERS.sourceTopic] ?? null), input);
      const info = readDlqHeaders(d);
      assert.ok(info !== null);
      assert.equal(info.reason, 'DECODE_FAILED');
      assert.equal(info.error, 'not JSON');
      assert.equal(info.evidenceId, 'ev-1');
      assert.equal(info.sourceTopic, input);
      assert.equal(String(info.partition), str(d.headers[DLQ_HEADERS.partition] ?? null));
      assert.equal(info.offset, str(d.headers[DLQ_HEADERS.offset] ?? null));
      assert.deepEqual({ partition: info.partition, offset: info.offset }, badAt, 'coordinates of the poisoned input');
      const out = await readTopic(output, 1);
      assert.equal(out.length, 1);
    });

    void it('a handler returning the wrong number of outcomes sends the chunk to the DLQ as HANDLER_CONTRACT', { timeout: TEST_TIMEOUT_MS }, async () => {
      const input = await topic(1);
      const dlq = await topic(1, TOPIC_MAX_RECORD_BYTES.dlq);
      await publisher.publish([
        { topic: input, key: 'a', value: 'one' },
        { topic: input, key: 'b', value: 'two' },
      ]);
      const c = consumer({ topic: input, dlqTopic: dlq, handler: () => Promise.resolve([ok([])]) });
      await c.start();
      const dead = await readTopic(dlq, 2);
      await c.stop();
      assert.equal(dead.length, 2);
      for (const d of dead) assert.equal(readDlqHeaders(d)?.reason, DLQ_REASONS.handlerContract);
      assert.deepEqual(dead.map((d) => str(d.value)).sort(), ['one', 'two']);
    });

    void it('an input whose output Kafka refuses (too large) goes to the DLQ as OUTPUT_REJECTED; the others pass', { timeout: TEST_TIMEOUT_MS }, async () => {
      const input = await topic(1);
      const output = await topic(1, 100_000);
      const dlq = await topic(1, TOPIC_MAX_RECORD_BYTES.dlq);
      await publisher.publish(['a', 'huge', 'c'].map((k) => ({ topic: input, key: k, value: `in-${k}` })));
      const c = consumer({
        topic: input,
        dlqTopic: dlq,
        handler: (records) =>
          Promise.resolve(records.map((r) => ok([{ topic: output, key: str(r.key), value: str(r.key) === 'huge' ? Buffer.alloc(200_000) : 'small' }]))),
      });
      await c.start();
      const dead = await readTopic(dlq, 1);
      await c.stop();
      assert.equal(dead.length, 1);
      assert.equal(str(dead[0]!.key), 'huge');
      assert.equal(str(dead[0]!.value), 'in-huge');
      assert.equal(readDlqHeaders(dead[0]!)?.reason, DLQ_REASONS.outputRejected);
      const out = await readTopic(output, 2);
      assert.deepEqual(out.map((r) => str(r.key)).sort(), ['a', 'c']);
    });

    void it('publish of a record too large for its topic fails alone when coalesced with others', { timeout: TEST_TIMEOUT_MS }, async () => {
      const t = await topic(1, 100_000);
      const results = await Promise.allSettled([
        publisher.publish([{ topic: t, key: 'ok1', value: 'x' }]),
        publisher.publish([{ topic: t, key: 'big', value: Buffer.alloc(200_000) }]),
        publisher.publish([{ topic: t, key: 'ok2', value: 'y' }]),
      ]);
      assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
      const got = await readTopic(t, 2);
      assert.deepEqual(got.map((r) => str(r.key)).sort(), ['ok1', 'ok2']);
    });

    void it('close() sends what was queued before disconnecting', { timeout: TEST_TIMEOUT_MS }, async () => {
      const t = await topic(2);
      const p = target.adapter.createPublisher({ lingerMs: 50 });
      const pending = Array.from({ length: 50 }, (_, i) => p.publish([{ topic: t, key: `k${i}`, value: 'v' }]));
      await p.close();
      const results = await Promise.allSettled(pending);
      assert.ok(results.every((r) => r.status === 'fulfilled'), 'every queued publish was acknowledged');
      assert.equal(p.isHealthy(), false, 'a closed publisher is not ready');
      await assert.rejects(p.publish([{ topic: t, key: 'late', value: 'v' }]));
      const got = await readTopic(t, 50);
      assert.equal(got.length, 50);
    });

    void it('a consumer joining mid-stream (rebalance) loses nothing; duplicates stay within the chunks in flight', { timeout: TEST_TIMEOUT_MS }, async () => {
      const input = await topic(4);
      const output = await topic(4);
      const n = 200;
      const maxBatch = 10;
      await publisher.publish(Array.from({ length: n }, (_, i) => ({ topic: input, key: `k${i}`, value: `v${i}` })));
      const groupId = uid();
      const handled: string[] = [];
      const handler: BatchHandler = async (records) => {
        await sleep(30); // slow enough that B joins while A still has work
        handled.push(...records.map((r) => str(r.key)));
        return records.map((r) => ok([{ topic: output, key: str(r.key), value: str(r.value) }]));
      };
      const a = consumer({ topic: input, groupId, handler, maxBatch });
      await a.start();
      await waitFor(() => handled.length >= 30, target.waitMs, 'A to be under way');
      const b = consumer({ topic: input, groupId, handler, maxBatch });
      await b.start();
      await waitFor(() => new Set(handled).size === n, target.waitMs, 'every input handled');
      await sleep(target.settleMs);
      await a.stop();
      await b.stop();
      const out = await readTopic(output, n);
      const keys = new Set(out.map((r) => str(r.key)));
      assert.equal(keys.size, n, 'no loss across the rebalance');
      // At-least-once: a chunk whose commit lost the race with the rebalance is handled again, nothing more.
      assert.ok(out.length - n <= maxBatch * 4, `${out.length - n} duplicate outputs`);
    });

    void it('two consumers in one group share the partitions without loss or duplicate outputs', { timeout: TEST_TIMEOUT_MS }, async () => {
      const input = await topic(4);
      const output = await topic(4);
      const groupId = uid();
      const byConsumer: [number, number] = [0, 0];
      const handler =
        (i: 0 | 1): BatchHandler =>
        (records) => {
          byConsumer[i] += records.length;
          return Promise.resolve(records.map((r) => ok([{ topic: output, key: str(r.key), value: str(r.value) }])));
        };
      const a = consumer({ topic: input, groupId, handler: handler(0), partitionsConcurrently: 2, maxBatch: 7 });
      const b = consumer({ topic: input, groupId, handler: handler(1), partitionsConcurrently: 2, maxBatch: 7 });
      await a.start();
      await b.start();
      const n = 120;
      await publisher.publish(Array.from({ length: n }, (_, i) => ({ topic: input, key: `k${i}`, value: `v${i}` })));
      await waitFor(() => byConsumer[0] + byConsumer[1] >= n, target.waitMs, 'all inputs handled');
      await sleep(target.settleMs);
      await a.stop();
      await b.stop();
      assert.ok(byConsumer[0] > 0 && byConsumer[1] > 0, `both consumers got partitions (${byConsumer.join('/')})`);
      const out = await readTopic(output, n);
      const count = new Map<string, number>();
      for (const r of out) count.set(str(r.key), (count.get(str(r.key)) ?? 0) + 1);
      assert.equal(count.size, n, 'no loss');
      assert.ok([...count.values()].every((c) => c === 1), 'no duplicate outputs');
    });
  });
}
