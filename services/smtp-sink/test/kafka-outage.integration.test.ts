// Kafka dies mid-run (SIGKILL of a private broker) and comes back: 451 meanwhile, 250 after, no 250 ever lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createKafka, loadKafkaConfig } from '@spamtrap/kafka';
import { silentLogger } from '@spamtrap/logging';
import { startSink } from '../src/sink.js';
import { RawSmtp, message, sendOne, testSettings } from './helpers.js';
import { readTopic } from './kafka-read.js';
import { kafkaLibs, startThrowawayKafka } from './throwaway-kafka.js';

const libs = kafkaLibs();

test('Kafka killed mid-run and restarted: 451 while down, 250 again after, every 250 is in Kafka', { timeout: 600_000, skip: libs === null ? 'no Kafka jars of the local stack found (set KAFKA_LIBS)' : false }, async () => {
  const kafka = await startThrowawayKafka(libs!);
  const cfg = loadKafkaConfig({}, { brokers: [kafka.brokers], connectionTimeoutMs: 1000 });
  const topic = 'outage.spamtrap.raw';
  const admin = createKafka(cfg).createAdmin();
  await admin.ensureTopics([{ topic, partitions: 2 }, { topic: 'outage.spamtrap.sessions', partitions: 1 }]);
  await admin.close();
  const publisher = createKafka(cfg).createPublisher({ closeTimeoutMs: 3000 });
  const sink = await startSink(testSettings({ topicRaw: topic, topicSessions: 'outage.spamtrap.sessions', sinkPublishTimeoutMs: 3000 }), { publisher, logger: silentLogger(), processMetrics: false });
  const accepted: string[] = [];
  const codes: number[] = [];
  let phase: 'up' | 'down' | 'back' = 'up';
  const byPhase = { up: [] as number[], down: [] as number[], back: [] as number[] };
  let running = true;
  const sender = (async () => {
    while (running) {
      try {
        const c = await RawSmtp.open(sink.address.port);
        await c.reply();
        await c.cmd('EHLO outage.example');
        for (let i = 0; i < 20 && running; i++) {
          const p = phase;
          const r = await sendOne(c, 'x@trap.example', message(`outage ${p}`));
          codes.push(r.code);
          byPhase[p].push(r.code);
          if (r.code === 250) accepted.push(/queued as (\S+)/.exec(r.text)![1]!);
        }
        c.close();
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  })();
  try {
    const until = async (pred: () => boolean, ms: number): Promise<void> => {
      const deadline = Date.now() + ms;
      while (!pred() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    };
    await until(() => byPhase.up.filter((c) => c === 250).length >= 20, 60_000);
    await kafka.kill();
    phase = 'down';
    await until(() => byPhase.down.filter((c) => c === 451).length >= 2, 60_000);
    await kafka.start();
    phase = 'back';
    await until(() => byPhase.back.filter((c) => c === 250).length >= 20, 120_000);
  } finally {
    running = false;
    await sender;
    await sink.stop();
    await publisher.close();
  }
  try {
    assert.ok(codes.every((c) => c === 250 || c === 451), `only 250 or 451: ${[...new Set(codes)].join(',')}`);
    assert.ok(byPhase.up.filter((c) => c === 250).length >= 20, 'accepted before the kill');
    assert.ok(byPhase.down.includes(451), 'answered 451 while Kafka was down');
    assert.ok(byPhase.back.filter((c) => c === 250).length >= 20, 'accepted again after the restart');
    const want = new Set(accepted);
    const got = await readTopic(topic, (m) => [...want].every((id) => m.some((x) => x.key?.toString() === id)), 60_000, [kafka.brokers]);
    const keys = new Set(got.map((m) => m.key?.toString()));
    const missing = accepted.filter((id) => !keys.has(id));
    assert.deepEqual(missing, [], `${missing.length} of ${accepted.length} messages that got 250 are not in Kafka`);
  } finally {
    await kafka.destroy();
  }
});
