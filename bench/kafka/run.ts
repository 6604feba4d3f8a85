// Publish throughput and ack latency through the coalescing publisher against the local Kafka (acks=all, idempotent).
// Usage: npm run bench -- kafka [--seconds 10] [--publishers 50]
import { randomUUID } from 'node:crypto';
import { TOPIC_MAX_RECORD_BYTES } from '@spamtrap/contracts';
import { createKafka, loadKafkaConfig, type PublisherOptions } from '@spamtrap/kafka';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} expects a positive number`);
  return v;
}

const seconds = arg('seconds', 10);
const publishers = arg('publishers', 50);
const kafka = createKafka(loadKafkaConfig(process.env, { clientId: 'spamtrap-bench' }));
const admin = kafka.createAdmin();

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function run(label: string, recordBytes: number, opts: PublisherOptions): Promise<void> {
  const topic = `bench-${randomUUID().slice(0, 8)}.raw`;
  await admin.ensureTopics([{ topic, partitions: 4, maxMessageBytes: TOPIC_MAX_RECORD_BYTES.raw }]);
  const publisher = kafka.createPublisher(opts);
  const value = Buffer.alloc(recordBytes, 0x61);
  // Warm-up: connection, InitProducerId, metadata.
  await publisher.publish([{ topic, key: 'warm', value }]);
  const latencies: number[] = [];
  let failures = 0;
  const t0 = performance.now();
  const until = t0 + seconds * 1000;
  let seq = 0;
  await Promise.all(
    Array.from({ length: publishers }, async () => {
      while (performance.now() < until) {
        const s = performance.now();
        try {
          await publisher.publish([{ topic, key: `k${seq++}`, value }], { timeoutMs: 30_000 });
          latencies.push(performance.now() - s);
        } catch {
          failures++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  await publisher.close();
  await admin.deleteTopics([topic]);
  latencies.sort((a, b) => a - b);
  const n = latencies.length;
  console.log(
    `${label.padEnd(34)} ${String(n).padStart(7)} acked ${(n / elapsed).toFixed(0).padStart(7)} rec/s ${((n * recordBytes) / elapsed / 1e6).toFixed(1).padStart(6)} MB/s` +
      `  ack p50 ${pct(latencies, 50).toFixed(1)} ms  p99 ${pct(latencies, 99).toFixed(1)} ms  failures ${failures}`,
  );
}

/** Stage runner overhead: a pass-through handler copying `count` records in → out (consume, publish, commit). */
async function stage(count: number, recordBytes: number): Promise<void> {
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const [input, output, dlq] = [`${prefix}.in`, `${prefix}.out`, `${prefix}.dlq`];
  await admin.ensureTopics([input, output, dlq].map((topic) => ({ topic, partitions: 4, maxMessageBytes: TOPIC_MAX_RECORD_BYTES.raw })));
  const publisher = kafka.createPublisher();
  const value = Buffer.alloc(recordBytes, 0x62);
  for (let i = 0; i < count; i += 1000) {
    await publisher.publish(Array.from({ length: Math.min(1000, count - i) }, (_, j) => ({ topic: input, key: `k${i + j}`, value })));
  }
  let handled = 0;
  let first = 0;
  const consumer = kafka.createStageConsumer(publisher, {
    stage: 'bench',
    groupId: `${prefix}-g`,
    topic: input,
    dlqTopic: dlq,
    partitionsConcurrently: 2,
    handler: (records) => {
      if (first === 0) first = performance.now();
      handled += records.length;
      return Promise.resolve(records.map((r) => ({ kind: 'ok' as const, outputs: [{ topic: output, key: r.key, value: r.value ?? '' }] })));
    },
  });
  await consumer.start();
  while (handled < count) await new Promise((r) => setTimeout(r, 10));
  const elapsed = (performance.now() - first) / 1000;
  await consumer.stop();
  await publisher.close();
  await admin.deleteTopics([input, output, dlq]);
  console.log(`${`stage pass-through, ${recordBytes / 1024} KB`.padEnd(34)} ${String(count).padStart(7)} in→out ${(count / elapsed).toFixed(0).padStart(7)} rec/s ${((count * recordBytes) / elapsed / 1e6).toFixed(1).padStart(6)} MB/s  (from first handler call, consume + publish + commit)`);
}

console.log(`kafka publish bench: ${publishers} concurrent publishers, ${seconds} s per case, acks=all idempotent, 4 partitions, brokers ${kafka.config.brokers.join(',')}`);
try {
  await run('2 KB, coalescing (defaults)', 2048, {});
  await run('20 KB, coalescing (defaults)', 20 * 1024, {});
  // Baseline: one record per produce request, i.e. what serialised sends without the batcher give.
  await run('2 KB, no coalescing (1 per request)', 2048, { lingerMs: 0, maxBatchRecords: 1 });
  await stage(20_000, 2048);
} finally {
  await admin.close();
}
