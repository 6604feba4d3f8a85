// Test helper: read records of a topic from the real Kafka (kafkajs directly: tests only, never services).
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { createKafka, loadKafkaConfig } from '@spamtrap/kafka';

export const BROKERS = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');

/** Read `topic` from the beginning until `done(messages)` is true or `timeoutMs` passed. */
export async function readTopic(topic: string, done: (m: KafkaMessage[]) => boolean, timeoutMs = 30_000, brokers = BROKERS): Promise<KafkaMessage[]> {
  const kafka = new Kafka({ brokers, clientId: 'smtp-sink-test-reader', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `smtp-sink-test-${randomBytes(6).toString('hex')}` });
  const got: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: ({ message }) => Promise.resolve(void got.push(message)) });
    const deadline = Date.now() + timeoutMs;
    while (!done(got) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    return got;
  } finally {
    await consumer.disconnect();
  }
}

/** A loopback port that was free a moment ago: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** Run `fn` with a fresh raw and sessions topic pair on the real Kafka, deleted afterwards. */
export async function withTopics(fn: (t: { raw: string; sessions: string }) => Promise<void>): Promise<void> {
  const id = randomBytes(4).toString('hex');
  const t = { raw: `test-${id}.spamtrap.raw`, sessions: `test-${id}.spamtrap.sessions` };
  const admin = createKafka(loadKafkaConfig()).createAdmin();
  await admin.ensureTopics([
    { topic: t.raw, partitions: 2, maxMessageBytes: 16 * 1024 * 1024 },
    { topic: t.sessions, partitions: 1 },
  ]);
  try {
    await fn(t);
  } finally {
    await admin.deleteTopics([t.raw, t.sessions]).catch(() => undefined);
    await admin.close();
  }
}
