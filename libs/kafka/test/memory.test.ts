// The in-memory fake passes the same contract suite as the kafkajs adapter, plus fake-only fault injection checks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMemoryKafka, PublishTimeoutError } from '../src/index.js';
import { kafkaContractSuite } from '../src/testing/contract.js';

kafkaContractSuite('in-memory fake', () => Promise.resolve({ adapter: createMemoryKafka(), waitMs: 10_000, settleMs: 100 }));

describe('memory kafka fault injection', () => {
  it('failNextPublishes fails exactly n publishes and marks the publisher unhealthy until one succeeds', async () => {
    const k = createMemoryKafka();
    await k.admin.ensureTopics([{ topic: 't', partitions: 1 }]);
    k.failNextPublishes(2);
    await assert.rejects(k.publisher.publish([{ topic: 't', key: 'a', value: '1' }]));
    assert.equal(k.publisher.isHealthy(), false);
    await assert.rejects(k.publisher.publish([{ topic: 't', key: 'a', value: '1' }]));
    await k.publisher.publish([{ topic: 't', key: 'a', value: '1' }]);
    assert.equal(k.publisher.isHealthy(), true);
    assert.equal(k.records('t').length, 1);
  });

  it('setUnavailable makes publish reject within its timeout', async () => {
    const k = createMemoryKafka();
    await k.admin.ensureTopics([{ topic: 't', partitions: 1 }]);
    k.setUnavailable(true);
    const t0 = Date.now();
    await assert.rejects(k.publisher.publish([{ topic: 't', key: 'a', value: '1' }], { timeoutMs: 100 }), PublishTimeoutError);
    assert.ok(Date.now() - t0 < 1000);
    assert.equal(k.publisher.isHealthy(), false);
    assert.equal(k.records('t').length, 0);
  });

  it('a failing publish writes none of its records (all or nothing)', async () => {
    const k = createMemoryKafka();
    await k.admin.ensureTopics([{ topic: 't', partitions: 1, maxMessageBytes: 10 }]);
    await assert.rejects(k.publisher.publish([{ topic: 't', key: null, value: 'ok' }, { topic: 't', key: null, value: 'x'.repeat(11) }]));
    assert.equal(k.records('t').length, 0);
  });

  it('commits the group offset only after the outputs were written', async () => {
    const k = createMemoryKafka();
    await k.admin.ensureTopics([{ topic: 'in', partitions: 1 }, { topic: 'out', partitions: 1 }]);
    await k.publisher.publish([{ topic: 'in', key: 'a', value: '1' }]);
    const remove = k.injectPublishFault((records) => (records.some((r) => r.topic === 'out') ? new Error('out is down') : null));
    const c = k.createStageConsumer(k.publisher, {
      stage: 's',
      groupId: 'g',
      topic: 'in',
      dlqTopic: 'dlq',
      handler: (rs) => Promise.resolve(rs.map(() => ({ kind: 'ok' as const, outputs: [{ topic: 'out', key: 'a', value: 'x' }] }))),
    });
    await c.start();
    try {
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(k.committed('g', 'in', 0), null);
      remove();
      const until = Date.now() + 10_000;
      while (k.committed('g', 'in', 0) === null && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    } finally {
      await c.stop();
    }
    assert.equal(k.committed('g', 'in', 0), 1n);
    assert.equal(k.records('out').length, 1);
  });
});
