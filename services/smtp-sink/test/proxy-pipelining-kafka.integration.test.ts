// Against the real Kafka: an HTTP-POST-wrapped message is taken with its evidence; GET refused; pipelining judged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RAW_HEADERS, decodeRawFacts, type RawFacts, type SessionEvidenceRecord } from '@spamtrap/contracts';
import { createKafka, loadKafkaConfig } from '@spamtrap/kafka';
import { silentLogger } from '@spamtrap/logging';
import type { KafkaMessage } from 'kafkajs';
import { startSink, type RunningSink } from '../src/sink.js';
import { RawSmtp, message, sendOne, testSettings, type Reply } from './helpers.js';
import { readTopic, withTopics } from './kafka-read.js';

/** A sink on loopback publishing to the real Kafka topics `t`. */
async function withSink(t: { raw: string; sessions: string }, fn: (sink: RunningSink) => Promise<void>): Promise<void> {
  const publisher = createKafka(loadKafkaConfig()).createPublisher();
  const sink = await startSink(testSettings({ topicRaw: t.raw, topicSessions: t.sessions, pregreetMs: 5 }), { publisher, logger: silentLogger(), processMetrics: false });
  try {
    await fn(sink);
  } finally {
    await sink.stop();
    await publisher.close();
  }
}

const factsOf = (m: KafkaMessage): RawFacts => decodeRawFacts(m.headers![RAW_HEADERS.facts] as Buffer);
const codesOf = (m: KafkaMessage): string[] => factsOf(m).smtp!.anomalies.map((a) => a.code);
const queuedId = (r: Reply): string => /queued as (\S+)/.exec(r.text)![1]!;

async function replies(c: RawSmtp, n: number): Promise<Reply[]> {
  const out: Reply[] = [];
  for (let i = 0; i < n; i++) out.push(await c.reply(15_000));
  return out;
}

test('open proxy: an HTTP-POST-wrapped message gets 250 and its record carries HTTP_REQUEST and the exact bytes; GET is refused and recorded', { timeout: 90_000 }, () =>
  withTopics((t) =>
    withSink(t, async (sink) => {
      const body = message('proxied', 'binary \u00e9 and a dot line\r\n..\r\nend');
      const c = await RawSmtp.open(sink.address.port);
      // Sent at once, before the greeting, as an abused proxy forwards it.
      c.write(
        'POST http://trap-mx:25/ HTTP/1.0\r\nHost: trap-mx:25\r\nContent-Length: 900\r\n\r\n' +
          `HELO trap.example\r\nMAIL FROM:<a@sender.example>\r\nRCPT TO:<x@trap.example>\r\nDATA\r\n${body.replace(/^\./gm, '..')}.\r\nQUIT\r\n`,
      );
      const got = await replies(c, 9);
      assert.deepEqual(got.map((r) => r.code), [220, 502, 502, 502, 500, 250, 250, 250, 354], got.map((r) => r.text).join(' | '));
      const done = await c.reply(15_000);
      assert.equal(done.code, 250, done.text);
      const id = queuedId(done);
      await c.waitClosed();

      const get = await RawSmtp.open(sink.address.port);
      assert.equal((await get.reply()).code, 220);
      get.write('GET http://198.51.100.7/ HTTP/1.1\r\nHost: 198.51.100.7\r\n\r\n');
      await get.waitClosed();

      const raws = await readTopic(t.raw, (m) => m.length >= 1);
      assert.equal(raws.length, 1);
      assert.equal(raws[0]!.key?.toString(), id);
      assert.equal(Buffer.compare(raws[0]!.value!, Buffer.from(body)), 0, 'exact message bytes');
      const f = factsOf(raws[0]!);
      assert.deepEqual(f.smtp?.rcptTo, ['x@trap.example']);
      const an = f.smtp?.anomalies ?? [];
      for (const code of ['EARLY_TALKER', 'HTTP_REQUEST', 'HTTP_PREAMBLE', 'PIPELINING_VIOLATION']) assert.ok(an.some((a) => a.code === code), `${code} in ${JSON.stringify(an)}`);
      assert.equal(an.find((a) => a.code === 'HTTP_REQUEST')!.detail, 'POST http://trap-mx:25/ HTTP/1.0');

      const ses = await readTopic(t.sessions, (m) => m.length >= 1);
      assert.equal(ses.length, 1);
      const ev = JSON.parse(ses[0]!.value!.toString()) as SessionEvidenceRecord;
      assert.deepEqual(ev.anomalies.map((a) => a.code), ['HTTP_REQUEST']);
      assert.equal(ev.transcript[0], 'GET http://198.51.100.7/ HTTP/1.1');
      assert.equal(ev.messages, 0);
    }),
  ),
);

test('pipelining: a HELO client bursting its commands gets PIPELINING_VIOLATION; an EHLO client pipelining MAIL/RCPT/DATA does not', { timeout: 90_000 }, () =>
  withTopics((t) =>
    withSink(t, async (sink) => {
      const body = message('burst', 'x');
      const burst = await RawSmtp.open(sink.address.port);
      assert.equal((await burst.reply()).code, 220);
      assert.equal((await burst.cmd('HELO bot.example')).code, 250);
      burst.write('MAIL FROM:<a@sender.example>\r\nRCPT TO:<x@trap.example>\r\nDATA\r\n');
      assert.deepEqual((await replies(burst, 3)).map((r) => r.code), [250, 250, 354]);
      burst.write(body + '.\r\n');
      const burstId = queuedId(await burst.reply(15_000));
      await burst.cmd('QUIT');

      const polite = await RawSmtp.open(sink.address.port);
      assert.equal((await polite.reply()).code, 220);
      const ehlo = await polite.cmd('EHLO mta.example');
      assert.match(ehlo.text, /PIPELINING/);
      polite.write('MAIL FROM:<a@sender.example>\r\nRCPT TO:<x@trap.example>\r\nRCPT TO:<y@trap.example>\r\nDATA\r\n');
      assert.deepEqual((await replies(polite, 4)).map((r) => r.code), [250, 250, 250, 354]);
      polite.write(body + '.\r\nQUIT\r\n');
      const politeId = queuedId(await polite.reply(15_000));
      assert.equal((await polite.reply()).code, 221);

      const raws = await readTopic(t.raw, (m) => m.length >= 2);
      const byId = new Map(raws.map((m) => [m.key!.toString(), m]));
      const b = byId.get(burstId)!;
      assert.deepEqual(codesOf(b), ['PIPELINING_VIOLATION']);
      assert.match(factsOf(b).smtp!.anomalies[0]!.detail!, /RCPT TO:<x@trap.example>.*before the reply to MAIL \(PIPELINING not offered\)/);
      assert.deepEqual(codesOf(byId.get(politeId)!), []);
      assert.equal(factsOf(byId.get(politeId)!).smtp?.heloVerb, 'EHLO');
    }),
  ),
);

test('pipelining is judged all session long: a second transaction bursting, or QUIT sent with the final dot, is flagged in that message\'s record', { timeout: 90_000 }, () =>
  withTopics((t) =>
    withSink(t, async (sink) => {
      const body = message('later', 'x');
      // HELO client, polite in its first transaction, bursting in its second.
      const later = await RawSmtp.open(sink.address.port);
      assert.equal((await later.reply()).code, 220);
      assert.equal((await later.cmd('HELO bot.example')).code, 250);
      const firstId = queuedId(await sendOne(later, 'x@trap.example', body));
      later.write('MAIL FROM:<a@sender.example>\r\nRCPT TO:<x@trap.example>\r\nDATA\r\n');
      assert.deepEqual((await replies(later, 3)).map((r) => r.code), [250, 250, 354]);
      later.write(body + '.\r\n');
      const secondId = queuedId(await later.reply(15_000));
      assert.equal((await later.cmd('QUIT')).code, 221);

      // HELO client that waits for everything but sends QUIT together with its final dot.
      const quit = await RawSmtp.open(sink.address.port);
      assert.equal((await quit.reply()).code, 220);
      assert.equal((await quit.cmd('HELO bot.example')).code, 250);
      assert.equal((await quit.cmd('MAIL FROM:<a@sender.example>')).code, 250);
      assert.equal((await quit.cmd('RCPT TO:<x@trap.example>')).code, 250);
      assert.equal((await quit.cmd('DATA')).code, 354);
      quit.write(body + '.\r\nQUIT\r\n');
      const quitId = queuedId(await quit.reply(15_000));
      assert.equal((await quit.reply()).code, 221);

      // EHLO client pipelining two messages, the second group opened by the first message's final dot (RFC 2920).
      const ehlo = await RawSmtp.open(sink.address.port);
      assert.equal((await ehlo.reply()).code, 220);
      assert.match((await ehlo.cmd('EHLO mta.example')).text, /PIPELINING/);
      ehlo.write('MAIL FROM:<a@sender.example>\r\nRCPT TO:<x@trap.example>\r\nDATA\r\n');
      assert.deepEqual((await replies(ehlo, 3)).map((r) => r.code), [250, 250, 354]);
      ehlo.write(body + '.\r\nMAIL FROM:<a@sender.example>\r\nRCPT TO:<y@trap.example>\r\nDATA\r\n');
      const got = await replies(ehlo, 4);
      assert.deepEqual(got.map((r) => r.code), [250, 250, 250, 354]);
      ehlo.write(body + '.\r\nQUIT\r\n');
      const ehloIds = [queuedId(got[0]!), queuedId(await ehlo.reply(15_000))];
      assert.equal((await ehlo.reply()).code, 221);

      const raws = await readTopic(t.raw, (m) => m.length >= 5);
      const byId = new Map(raws.map((m) => [m.key!.toString(), m]));
      assert.deepEqual(codesOf(byId.get(firstId)!), [], 'the polite first transaction');
      assert.deepEqual(codesOf(byId.get(secondId)!), ['PIPELINING_VIOLATION']);
      assert.match(factsOf(byId.get(secondId)!).smtp!.anomalies[0]!.detail!, /RCPT TO:<x@trap.example>.*before the reply to MAIL \(PIPELINING not offered\)/);
      assert.equal(factsOf(byId.get(secondId)!).smtp!.transaction, 2);
      assert.deepEqual(codesOf(byId.get(quitId)!), ['PIPELINING_VIOLATION']);
      assert.equal(factsOf(byId.get(quitId)!).smtp!.anomalies[0]!.detail, '"QUIT\\r\\n" sent before the reply to the end of data (".") (PIPELINING not offered)');
      for (const id of ehloIds) assert.deepEqual(codesOf(byId.get(id)!), [], `EHLO pipelining ${id}`);
    }),
  ),
);
