// The kafkajs adapter against the real local Kafka: the contract suite, plus "Kafka unreachable" behaviour.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { createLogger } from '@spamtrap/logging';
import { describe, it } from 'node:test';
import { createKafka, loadKafkaConfig, PublishTimeoutError } from '../src/index.js';
import { kafkaContractSuite } from '../src/testing/contract.js';

kafkaContractSuite('kafkajs on the local broker', () =>
  // Topics are uniquely named per test and deleted by the suite; KAFKA_BROKERS points elsewhere if set.
  Promise.resolve({ adapter: createKafka(loadKafkaConfig(process.env, { clientId: 'spamtrap-contract-test' })), waitMs: 60_000, settleMs: 1500 }),
);

/** A loopback port that was just free and is now closed: connections to it are refused. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const addr = srv.address();
  assert.ok(addr !== null && typeof addr === 'object');
  await new Promise<void>((r) => srv.close(() => r()));
  return addr.port;
}

void describe('kafka unreachable', () => {
  void it('publish rejects within timeoutMs and the publisher reports unhealthy', { timeout: 60_000 }, async () => {
    const port = await closedPort();
    const kafka = createKafka(loadKafkaConfig({}, { brokers: [`127.0.0.1:${port}`], connectionTimeoutMs: 1000 }));
    const publisher = kafka.createPublisher({ closeTimeoutMs: 2000 });
    const timeoutMs = 1500;
    const t0 = Date.now();
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => publisher.publish([{ topic: 'spamtrap.raw', key: `k${i}`, value: 'x' }], { timeoutMs })),
    );
    const took = Date.now() - t0;
    for (const r of results) {
      assert.equal(r.status, 'rejected');
      assert.ok(r.reason instanceof PublishTimeoutError || r.reason instanceof Error);
    }
    // Each caller's bound holds, however long the client's own connect retries take (about 10 s);
    // 1.5 s of slack for timers on a loaded 2-core box.
    assert.ok(took < timeoutMs + 1500, `rejected after ${took} ms`);
    assert.equal(publisher.isHealthy(), false);
    const c0 = Date.now();
    await publisher.close();
    assert.ok(Date.now() - c0 < 10_000, 'close does not hang on an unreachable broker');
  });
});

void describe('stage consumer while Kafka is away', () => {
  void it('start() does not throw: it keeps trying in the background, and stop() ends that at once', { timeout: 90_000 }, async () => {
    const port = await closedPort();
    const errors: string[] = [];
    const logger = createLogger('stage-away-test', 'error', {
      hooks: {
        logMethod(args, method) {
          errors.push(JSON.stringify(args));
          void method; // captured, not printed: stray output fails tests
        },
      },
    });
    const kafka = createKafka(loadKafkaConfig({}, { brokers: [`127.0.0.1:${port}`], connectionTimeoutMs: 500 }), logger);
    const publisher = kafka.createPublisher({ closeTimeoutMs: 1000 });
    const consumer = kafka.createStageConsumer(publisher, {
      stage: 'test', groupId: `away-${randomUUID()}`, topic: 'away.spamtrap.raw', dlqTopic: 'away.spamtrap.dlq',
      handler: (records) => Promise.resolve(records.map(() => ({ kind: 'ok' as const, outputs: [] }))),
    });
    await consumer.start(); // resolves although no broker answers
    assert.ok(errors.some((e) => e.includes('could not start')), 'the failed start is logged');
    const t0 = Date.now();
    await consumer.stop();
    assert.ok(Date.now() - t0 < 5_000, 'stop() does not wait for the retry loop');
    await publisher.close();
  });
});

void describe('topic admin on the real broker', () => {
  void it('warns when an existing topic is smaller than its spec, and leaves it alone', { timeout: 60_000 }, async () => {
    const warnings: string[] = [];
    const logger = createLogger('kafka-admin-test', 'warn', {
      hooks: {
        logMethod(args, method, level) {
          if (level >= 40) warnings.push(JSON.stringify(args));
          // Swallow: stray output fails tests; the captured lines are what we check.
          void method;
        },
      },
    });
    const kafka = createKafka(loadKafkaConfig(process.env, { clientId: 'spamtrap-admin-test' }), logger);
    const admin = kafka.createAdmin();
    const topic = `ct-${randomUUID().slice(0, 8)}.small`;
    try {
      await admin.ensureTopics([{ topic, partitions: 1, maxMessageBytes: 100_000 }]);
      assert.equal(warnings.length, 0, warnings.join('\n'));
      await admin.ensureTopics([{ topic, partitions: 2, maxMessageBytes: 1_000_000 }]);
      assert.ok(warnings.some((w) => w.includes('max.message.bytes=100000')), warnings.join('\n'));
      assert.ok(warnings.some((w) => w.includes('has 1 partitions')), warnings.join('\n'));
    } finally {
      await admin.deleteTopics([topic]);
      await admin.close();
    }
  });
});

void describe('stage consumer heartbeats', () => {
  void it('a handler running longer than the session timeout keeps its partition and commits once', { timeout: 90_000 }, async () => {
    // 6 s is the broker's minimum session timeout; the handler takes 9 s.
    const kafka = createKafka(loadKafkaConfig(process.env, { clientId: 'spamtrap-heartbeat-test', sessionTimeoutMs: 6000 }));
    const admin = kafka.createAdmin();
    const publisher = kafka.createPublisher();
    const prefix = `ct-${randomUUID().slice(0, 8)}`;
    const input = `${prefix}.in`;
    const output = `${prefix}.out`;
    await admin.ensureTopics([
      { topic: input, partitions: 1 },
      { topic: output, partitions: 1 },
    ]);
    try {
      await publisher.publish([{ topic: input, key: 'slow', value: 'x' }]);
      const calls: string[] = [];
      const consumer = kafka.createStageConsumer(publisher, {
        stage: 'slow',
        groupId: `${prefix}-g`,
        topic: input,
        dlqTopic: `${prefix}.dlq`,
        handler: async (records) => {
          calls.push(...records.map((r) => r.offset));
          await new Promise((r) => setTimeout(r, 9000));
          return records.map(() => ({ kind: 'ok' as const, outputs: [{ topic: output, key: 'slow', value: 'done' }] }));
        },
      });
      await consumer.start();
      const until = Date.now() + 60_000;
      while (calls.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 14_000)); // the 9 s handler, its commit, and time for a redelivery if it had lost the group
      await consumer.stop();
      assert.deepEqual(calls, ['0'], 'handled once: the member kept its partition and its commit counted');
    } finally {
      await publisher.close();
      await admin.deleteTopics([input, output]);
      await admin.close();
    }
  });
});
