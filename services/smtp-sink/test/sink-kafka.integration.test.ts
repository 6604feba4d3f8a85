// The sink against the real Kafka: records land with exact bytes and facts; Kafka down means 451; kill -9 loses no 250.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect, createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RAW_HEADERS, decodeRawFacts, type SessionEvidenceRecord } from '@spamtrap/contracts';
import { createKafka, loadKafkaConfig, type RecordPublisher } from '@spamtrap/kafka';
import { silentLogger } from '@spamtrap/logging';
import { startSink } from '../src/sink.js';
import { RawSmtp, message, sendOne, testSettings } from './helpers.js';
import { BROKERS, closedPort, readTopic, withTopics } from './kafka-read.js';

const SINK_MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'main.ts');

test('accepted messages and session evidence land in Kafka with exact bytes and facts', { timeout: 90_000 }, () =>
  withTopics(async (t) => {
    const publisher = createKafka(loadKafkaConfig()).createPublisher();
    const sink = await startSink(testSettings({ topicRaw: t.raw, topicSessions: t.sessions, pregreetMs: 20 }), { publisher, logger: silentLogger(), processMetrics: false });
    try {
      const c = await RawSmtp.open(sink.address.port);
      await c.reply();
      await c.cmd('EHLO real.example');
      const body = message('to kafka', 'binary \u00e9 and a NUL-free body');
      const r = await sendOne(c, 'x@trap.example', body);
      assert.equal(r.code, 250, r.text);
      const id = /queued as (\S+)/.exec(r.text)![1]!;
      await c.cmd('QUIT');
      const http = await RawSmtp.open(sink.address.port);
      http.write('CONNECT 192.0.2.1:25 HTTP/1.0\r\n\r\n');
      await http.waitClosed();

      const raws = await readTopic(t.raw, (m) => m.length >= 1);
      assert.equal(raws.length, 1);
      assert.equal(raws[0]!.key?.toString(), id);
      assert.equal(Buffer.compare(raws[0]!.value!, Buffer.from(body)), 0);
      const facts = decodeRawFacts(raws[0]!.headers![RAW_HEADERS.facts] as Buffer);
      assert.equal(facts.evidenceId, id);
      assert.equal(facts.smtp?.helo, 'real.example');
      assert.deepEqual(facts.smtp?.rcptTo, ['x@trap.example']);
      const ses = await readTopic(t.sessions, (m) => m.length >= 1);
      const ev = JSON.parse(ses[0]!.value!.toString()) as SessionEvidenceRecord;
      assert.deepEqual(ev.anomalies.map((a) => a.code), ['EARLY_TALKER', 'PROXY_CONNECT']);
      assert.equal(ev.transcript[0], 'CONNECT 192.0.2.1:25 HTTP/1.0');
    } finally {
      await sink.stop();
      await publisher.close();
    }
  }),
);

test('Kafka unreachable: 451; once Kafka is reachable again: 250 and the record is there', { timeout: 120_000 }, () =>
  withTopics(async (t) => {
    // The sink's Kafka is a port with nothing behind it, later a TCP relay to the real broker there.
    const port = await closedPort();
    const publisher: RecordPublisher = createKafka(loadKafkaConfig({}, { brokers: [`127.0.0.1:${port}`], connectionTimeoutMs: 1000 })).createPublisher({ closeTimeoutMs: 2000 });
    const sink = await startSink(testSettings({ topicRaw: t.raw, topicSessions: t.sessions, sinkPublishTimeoutMs: 2000 }), { publisher, logger: silentLogger(), processMetrics: false });
    let relay: Server | null = null;
    try {
      const c = await RawSmtp.open(sink.address.port);
      await c.reply();
      await c.cmd('EHLO x.example');
      const down = await sendOne(c, 'x@trap.example', message('while down'));
      assert.equal(down.code, 451, down.text);
      assert.match(down.text, /4\.3\.0/);
      const [host, bport] = BROKERS[0]!.split(':') as [string, string];
      relay = createServer((s) => {
        const up = connect(Number(bport), host);
        s.pipe(up).pipe(s);
        s.on('error', () => up.destroy());
        up.on('error', () => s.destroy());
      });
      await new Promise<void>((r) => relay!.listen(port, '127.0.0.1', r));
      let up = await sendOne(c, 'x@trap.example', message('after recovery'));
      for (let i = 0; i < 10 && up.code !== 250; i++) {
        assert.equal(up.code, 451, up.text); // never anything but 451 or 250
        await new Promise((r) => setTimeout(r, 1000));
        up = await sendOne(c, 'x@trap.example', message('after recovery'));
      }
      assert.equal(up.code, 250, up.text);
      const id = /queued as (\S+)/.exec(up.text)![1]!;
      c.close();
      const raws = await readTopic(t.raw, (m) => m.some((x) => x.key?.toString() === id));
      assert.ok(raws.some((x) => x.key?.toString() === id));
      // The 451'd message may still appear: its produce request was in flight when the relay came up, and the
      // idempotent producer's retry delivered it (at-least-once). A 451 promises only "not accepted by us";
      // the client retries and the copy gets its own evidence id. What must never happen is a 250 without a record.
    } finally {
      await sink.stop();
      await publisher.close();
      relay?.close();
    }
  }),
);

/** Run the sink as a process (main.ts), as in production. */
function spawnSink(t: { raw: string; sessions: string }, port: number) {
  return spawn(process.execPath, ['--import', 'tsx', SINK_MAIN], {
    env: {
      ...process.env,
      SINK_LISTEN: `127.0.0.1:${port}`,
      SINK_TRAP_DOMAINS: 'trap.example',
      SINK_TOPIC_RAW: t.raw,
      SINK_TOPIC_SESSIONS: t.sessions,
      SINK_METRICS_LISTEN: 'off', // '' would read as unset: the default port, maybe taken by another sink
      SINK_ENSURE_TOPICS: 'false',
      SINK_LOG_LEVEL: 'warn',
      SINK_PREGREET_MS: '0',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

async function waitListening(port: number): Promise<void> {
  for (let i = 0; i < 150; i++) {
    const ok = await new Promise<boolean>((r) => {
      const s = connect(port, '127.0.0.1', () => (s.destroy(), r(true)));
      s.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('sink did not start');
}

/** Many sessions sending messages until the sink dies; returns the evidence ids that got 250. */
async function flood(port: number, sessions: number, until: () => boolean): Promise<{ accepted: string[]; failed: number }> {
  const accepted: string[] = [];
  let failed = 0;
  await Promise.all(
    Array.from({ length: sessions }, async () => {
      while (!until()) {
        try {
          const c = await RawSmtp.greeted(port, 'flood.example');
          for (let i = 0; i < 5 && !until(); i++) {
            const r = await sendOne(c, 'x@trap.example', message('flood'));
            if (r.code === 250) accepted.push(/queued as (\S+)/.exec(r.text)![1]!);
            else failed++;
          }
          c.close();
        } catch {
          failed++;
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    }),
  );
  return { accepted, failed };
}

test('SIGKILL mid-stream loses no message that got 250', { timeout: 120_000 }, () =>
  withTopics(async (t) => {
    const port = await closedPort();
    const child = spawnSink(t, port);
    await waitListening(port);
    let dead = false;
    child.on('exit', () => (dead = true));
    const sending = flood(port, 8, () => dead);
    await new Promise((r) => setTimeout(r, 2500));
    child.kill('SIGKILL');
    const { accepted } = await sending;
    assert.ok(accepted.length > 10, `only ${accepted.length} accepted before the kill`);
    const want = new Set(accepted);
    const got = await readTopic(t.raw, (m) => [...want].every((id) => m.some((x) => x.key?.toString() === id)), 30_000);
    const keys = new Set(got.map((m) => m.key?.toString()));
    const missing = accepted.filter((id) => !keys.has(id));
    assert.deepEqual(missing, [], `${missing.length} of ${accepted.length} acknowledged messages are not in Kafka`);
  }),
);

test('SIGTERM drains: exit code 0 and every 250 is in Kafka', { timeout: 120_000 }, () =>
  withTopics(async (t) => {
    const port = await closedPort();
    const child = spawnSink(t, port);
    await waitListening(port);
    let stopped = false;
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const sending = flood(port, 4, () => stopped);
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGTERM');
    const code = await exited;
    stopped = true;
    const { accepted } = await sending;
    assert.equal(code, 0);
    assert.ok(accepted.length > 0);
    const got = await readTopic(t.raw, (m) => m.length >= accepted.length, 30_000);
    const keys = new Set(got.map((m) => m.key?.toString()));
    assert.deepEqual(accepted.filter((id) => !keys.has(id)), []);
  }),
);

test('a topic whose max.message.bytes is below the sink limit: 552, not an endless 451', { timeout: 90_000 }, async () => {
  const id = randomBytes(4).toString('hex');
  const t = { raw: `test-${id}.small.raw`, sessions: `test-${id}.small.sessions` };
  const admin = createKafka(loadKafkaConfig()).createAdmin();
  await admin.ensureTopics([{ topic: t.raw, partitions: 1, maxMessageBytes: 50_000 }, { topic: t.sessions, partitions: 1 }]);
  const publisher = createKafka(loadKafkaConfig()).createPublisher();
  const sink = await startSink(testSettings({ topicRaw: t.raw, topicSessions: t.sessions, maxMessageBytes: 200_000 }), { publisher, logger: silentLogger(), processMetrics: false });
  try {
    const c = await RawSmtp.open(sink.address.port);
    await c.reply();
    await c.cmd('EHLO big.example');
    const big = await sendOne(c, 'x@trap.example', message('big', 'q'.repeat(100_000)));
    assert.equal(big.code, 552, big.text);
    assert.equal((await sendOne(c)).code, 250, 'small messages still flow');
    c.close();
  } finally {
    await sink.stop();
    await publisher.close();
    await admin.deleteTopics([t.raw, t.sessions]).catch(() => undefined);
    await admin.close();
  }
});
