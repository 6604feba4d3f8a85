// `spamtrap import` and `spamtrap replay` against the real Kafka and a real sink over SMTP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { RAW_HEADERS, decodeRawFacts, importEvidenceId } from '@spamtrap/contracts';
import { createKafka, loadKafkaConfig } from '@spamtrap/kafka';
import { silentLogger } from '@spamtrap/logging';
import { sinkConfigSchema, startSink } from '@spamtrap/smtp-sink';
import { main } from '../src/main.js';
import type { CommandIo } from '../src/command.js';
import { writeFixtures } from './archive-fixtures.js';

const BROKERS = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');

function capture(env: Record<string, string | undefined>): { io: CommandIo; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const sink = (f: (s: string) => void): Writable => new Writable({ write: (c: Buffer, _e, cb) => (f(String(c)), cb()) });
  return {
    io: { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)), stdin: new PassThrough(), env, cwd: process.cwd() },
    out: () => out,
    err: () => err,
  };
}

async function readTopic(topic: string, want: number, timeoutMs = 30_000): Promise<KafkaMessage[]> {
  const kafka = new Kafka({ brokers: BROKERS, clientId: 'cli-test-reader', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `cli-test-${randomBytes(6).toString('hex')}` });
  const got: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: ({ message }) => Promise.resolve(void got.push(message)) });
    const deadline = Date.now() + timeoutMs;
    while (got.length < want && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 1000)); // anything beyond `want` would show up now
    return got;
  } finally {
    await consumer.disconnect();
  }
}

async function withTopic(fn: (topic: string, sessions: string) => Promise<void>): Promise<void> {
  const id = randomBytes(4).toString('hex');
  const topic = `test-${id}.spamtrap.raw`;
  const sessions = `test-${id}.spamtrap.sessions`;
  const admin = createKafka(loadKafkaConfig()).createAdmin();
  await admin.ensureTopics([{ topic, partitions: 2, maxMessageBytes: 16 * 1024 * 1024 }, { topic: sessions, partitions: 1 }]);
  try {
    await fn(topic, sessions);
  } finally {
    await admin.deleteTopics([topic, sessions]).catch(() => undefined);
    await admin.close();
  }
}

test('import: mbox + Maildir + eml folder to Kafka with provenance; re-run imports nothing; --force re-publishes', { timeout: 120_000 }, () =>
  withTopic(async (topic) => {
    const f = writeFixtures();
    const env = { ...process.env, SPAMTRAP_STATE_DIR: join(f.root, 'state') };
    try {
      const args = ['import', '--topic', topic, '--trusted', '*.mx.example.net,192.0.2.0/24', '--max-bytes', '10000', f.mbox, f.maildir, f.emlDir];
      const run1 = capture(env);
      assert.equal(await main(args, run1.io), 0, run1.err());
      // mbox 4 good + Maildir 2 + eml a, sub/b (dup.eml has a.eml's bytes) = 8
      assert.match(run1.out(), /^published 8, skipped 0 \(already imported\), duplicates 1 .*malformed 7, failed 0/);
      for (const r of ['#2\tempty', '#3\tno_headers', '#4\tno_separator', 'empty.eml\tempty', 'junk.bin\tno_headers', 'nul.eml\tbinary', 'big.eml\toversize']) assert.ok(run1.out().includes(r), r);
      assert.match(run1.err(), /import: done 8/); // plain progress lines when stderr is not a TTY

      const msgs = await readTopic(topic, 8);
      assert.equal(msgs.length, 8);
      for (const m of msgs) {
        const facts = decodeRawFacts(m.headers![RAW_HEADERS.facts] as Buffer);
        const sha = createHash('sha256').update(m.value!).digest('hex');
        assert.equal(facts.source, 'import');
        assert.equal(facts.sha256, sha);
        assert.equal(m.key!.toString(), importEvidenceId(sha));
        assert.equal(facts.smtp, null);
        assert.deepEqual(facts.trusted, ['*.mx.example.net', '192.0.2.0/24']);
        assert.ok(['mbox', 'maildir', 'eml'].includes(facts.import!.format));
        assert.ok(facts.import!.format !== 'mbox' || typeof facts.import!.entry === 'number');
      }

      const run2 = capture(env);
      assert.equal(await main(args, run2.io), 0);
      assert.match(run2.out(), /^published 0, skipped 9 /); // dup.eml's bytes are in the journal too
      const run3 = capture(env);
      assert.equal(await main([...args, '--force'], run3.io), 0);
      assert.match(run3.out(), /^published 8, skipped 0 .*duplicates 1 /);
      assert.equal((await readTopic(topic, 16)).length, 16, 'a forced re-run publishes again (same evidence ids)');
    } finally {
      rmSync(f.root, { recursive: true, force: true });
    }
  }),
);

test('replay: archives through a real sink (PROXY v1 from a trusted front) into Kafka', { timeout: 120_000 }, () =>
  withTopic(async (topic, sessions) => {
    const f = writeFixtures();
    const kafka = createKafka(loadKafkaConfig());
    const publisher = kafka.createPublisher();
    const config = sinkConfigSchema.load(
      { SINK_TRAP_DOMAINS: 'trap.example' },
      { listen: '127.0.0.1:0', metricsListen: '', proxyFrom: ['127.0.0.1'], topicRaw: topic, topicSessions: sessions, pregreetMs: 0, sinkId: 'replay-test' },
    );
    const sink = await startSink(config, { publisher, logger: silentLogger(), processMetrics: false });
    try {
      const run = capture(process.env);
      const code = await main(['replay', '--smtp', `127.0.0.1:${sink.address.port}`, '--concurrency', '3', '--proxy-from', '198.51.100.7', f.mbox, f.maildir], run.io);
      assert.match(run.out(), /^sent 6, accepted 6, rejected 0, malformed 3/, run.out() + run.err());
      assert.equal(code, 0);
      const msgs = await readTopic(topic, 6);
      assert.equal(msgs.length, 6);
      for (const m of msgs) {
        const facts = decodeRawFacts(m.headers![RAW_HEADERS.facts] as Buffer);
        assert.equal(facts.source, 'smtp');
        assert.equal(facts.smtp!.peer.ip, '198.51.100.7');
        assert.equal(facts.smtp!.proxiedBy!.ip, '127.0.0.1');
        assert.equal(facts.smtp!.helo, 'replay.invalid');
        assert.ok(facts.smtp!.rcptTo.every((r) => r.endsWith('@trap.example')));
      }
      // Word-bounded: 'fixture 1' must not also pick 'fixture 11' (replay order is concurrent).
      const one = msgs.find((m) => /\bfixture 1\b/.test(m.value!.toString()))!;
      const facts1 = decodeRawFacts(one.headers![RAW_HEADERS.facts] as Buffer);
      assert.equal(facts1.smtp!.mailFrom, 'bounce1@sender.example');
      assert.deepEqual(facts1.smtp!.rcptTo.sort(), ['other@trap.example', 'trap1@trap.example']);
      assert.ok(one.value!.toString().includes('\r\nFrom the body, quoted once\r\n'), 'unquoted, CRLF on the wire');
    } finally {
      await sink.stop();
      await publisher.close();
      rmSync(f.root, { recursive: true, force: true });
    }
  }),
);
