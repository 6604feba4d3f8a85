// Over real SMTP on loopback: open-proxy POST/PUT preambles are answered like Postfix and their messages taken.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RAW_HEADERS, decodeRawFacts, type RawFacts, type SessionEvidenceRecord } from '@spamtrap/contracts';
import { HTTP_PREAMBLE_MAX_LINES } from '../src/limits.js';
import { RawSmtp, message, startTestSink, type Reply, type TestPublisher } from './helpers.js';

const facts = (p: TestPublisher, i = 0): RawFacts => decodeRawFacts(String(p.on('raw')[i]!.headers![RAW_HEADERS.facts]));
const sessions = (p: TestPublisher): SessionEvidenceRecord[] => p.on('sessions').map((r) => JSON.parse(String(r.value)) as SessionEvidenceRecord);
const settle = (ms = 150): Promise<void> => new Promise((r) => setTimeout(r, ms));

const PREAMBLE = 'POST http://trap-mx:25/ HTTP/1.0\r\nHost: trap-mx:25\r\nContent-Type: text/plain\r\nContent-Length: 420\r\n\r\n';
const BODY = message('via an open proxy', 'cheap pills');
/** The spamware's dialogue as a proxy forwards it: all at once, no waiting for replies. */
const DIALOGUE = `HELO friend.example\r\nMAIL FROM:<a@sender.example>\r\nRCPT TO:<x@trap.example>\r\nRCPT TO:<victim@elsewhere.example>\r\nDATA\r\n${BODY}.\r\nQUIT\r\n`;
const EXPECTED = [220, 502, 502, 502, 502, 500, 250, 250, 250, 550, 354, 250, 221];

async function replies(c: RawSmtp, n: number): Promise<Reply[]> {
  const out: Reply[] = [];
  for (let i = 0; i < n; i++) out.push(await c.reply(10_000));
  return out;
}

function checkTaken(publisher: TestPublisher, early: boolean): void {
  const raws = publisher.on('raw');
  assert.equal(raws.length, 1);
  assert.equal(Buffer.compare(Buffer.from(raws[0]!.value), Buffer.from(BODY)), 0, 'exact message bytes');
  const f = facts(publisher);
  assert.deepEqual(f.smtp?.rcptTo, ['x@trap.example'], 'the recipient policy still applies: never a relay');
  assert.equal(f.smtp?.helo, 'friend.example');
  const an = f.smtp?.anomalies ?? [];
  const codes = an.map((a) => a.code);
  if (early) assert.equal(codes[0], 'EARLY_TALKER');
  assert.ok(codes.includes('HTTP_REQUEST'), codes.join());
  assert.equal(an.find((a) => a.code === 'HTTP_REQUEST')!.detail, 'POST http://trap-mx:25/ HTTP/1.0');
  assert.equal(an.find((a) => a.code === 'HTTP_PREAMBLE')!.detail, `POST target=http://trap-mx:25/ headers=Host,Content-Type,Content-Length lines=5 bytes=${PREAMBLE.length}`);
  assert.ok(codes.includes('PIPELINING_VIOLATION'), 'the forwarded dialogue did not wait for replies');
  assert.ok(codes.includes('RELAY_ATTEMPT'));
}

test('a POST preamble after the greeting: 502 per line, 500 for the blank line, then the message is taken', async () => {
  const { sink, port, publisher } = await startTestSink();
  try {
    const c = await RawSmtp.open(port);
    assert.equal((await c.reply()).code, 220);
    c.write(PREAMBLE + DIALOGUE);
    const got = await replies(c, EXPECTED.length - 1);
    assert.deepEqual(got.map((r) => r.code), EXPECTED.slice(1), got.map((r) => r.text).join(' | '));
    assert.equal(got[0]!.text, '502 5.5.2 Error: command not recognized');
    assert.equal(got[4]!.text, '500 5.5.2 Error: bad syntax');
    await c.waitClosed();
    await settle();
    checkTaken(publisher, false);
    assert.equal(sessions(publisher).length, 0, 'the raw record carried every anomaly');
  } finally {
    await sink.stop();
  }
});

test('a POST preamble before the greeting (early talker): the greeting comes first, then the 502s, then SMTP', async () => {
  const { sink, port, publisher } = await startTestSink({ pregreetMs: 40 });
  try {
    const c = await RawSmtp.open(port);
    c.write(PREAMBLE + DIALOGUE);
    const got = await replies(c, EXPECTED.length);
    assert.deepEqual(got.map((r) => r.code), EXPECTED, got.map((r) => r.text).join(' | '));
    await c.waitClosed();
    await settle();
    checkTaken(publisher, true);
  } finally {
    await sink.stop();
  }
});

test('a PUT preamble split into one-byte writes, bare LF line ends, a client that waits for replies', async () => {
  const { sink, port, publisher } = await startTestSink();
  try {
    const c = await RawSmtp.open(port);
    c.socket.setNoDelay(true);
    assert.equal((await c.reply()).code, 220);
    const pre = 'PUT /relay HTTP/1.1\nHost: trap\nX-Null: \x00\n\n';
    for (const ch of pre) {
      c.write(Buffer.from(ch, 'latin1'));
      await new Promise((r) => setImmediate(r));
    }
    assert.deepEqual((await replies(c, 4)).map((r) => r.code), [502, 502, 502, 500]);
    // Behind the preamble this client behaves: one command per reply, EHLO, no pipelining violation.
    assert.equal((await c.cmd('EHLO patient.example')).code, 250);
    assert.equal((await c.cmd('MAIL FROM:<a@b.example>')).code, 250);
    assert.equal((await c.cmd('RCPT TO:<y@trap.example>')).code, 250);
    assert.equal((await c.cmd('DATA')).code, 354);
    c.write(BODY + '.\r\n');
    assert.equal((await c.reply()).code, 250);
    await c.cmd('QUIT');
    await settle();
    const an = facts(publisher).smtp!.anomalies;
    assert.deepEqual(an.map((a) => a.code), ['HTTP_REQUEST', 'HTTP_PREAMBLE']);
    assert.equal(an[1]!.detail, `PUT target=/relay headers=Host,X-Null lines=4 bytes=${pre.length}`);
  } finally {
    await sink.stop();
  }
});

test('endless header lines: 502 up to the line limit, then 554 and the session is recorded', async () => {
  const { sink, port, publisher } = await startTestSink();
  try {
    const c = await RawSmtp.open(port);
    await c.reply();
    let headers = '';
    for (let i = 0; i < 200; i++) headers += `X-${i}: y\r\n`;
    c.write('POST / HTTP/1.0\r\n' + headers);
    const got = await replies(c, HTTP_PREAMBLE_MAX_LINES + 1);
    assert.ok(got.slice(0, -1).every((r) => r.code === 502));
    assert.equal(got.at(-1)!.code, 554);
    await c.waitClosed();
    await settle();
    assert.equal(publisher.on('raw').length, 0);
    const ev = sessions(publisher);
    assert.equal(ev.length, 1);
    assert.deepEqual(ev[0]!.anomalies.map((a) => a.code), ['HTTP_REQUEST', 'HTTP_PREAMBLE']);
    assert.match(ev[0]!.anomalies[1]!.detail!, /refused: more than 64 lines$/);
    assert.equal(ev[0]!.transcript[0], 'POST / HTTP/1.0');
  } finally {
    await sink.stop();
  }
});

test('a preamble left unfinished: the idle timeout closes it; the session says so', async () => {
  const { sink, port, publisher } = await startTestSink({ commandTimeoutMs: 300 });
  try {
    const c = await RawSmtp.open(port);
    await c.reply();
    c.write('POST / HTTP/1.0\r\nHost: x\r\nUser-Ag');
    assert.deepEqual((await replies(c, 3)).map((r) => r.code), [502, 502, 421]);
    await c.waitClosed();
    await settle();
    const ev = sessions(publisher);
    assert.equal(ev.length, 1);
    assert.match(ev[0]!.anomalies.find((a) => a.code === 'HTTP_PREAMBLE')!.detail!, /incomplete: connection closed/);
  } finally {
    await sink.stop();
  }
});

test('GET, HEAD and CONNECT stay refused, and a POST later in the session is not a preamble', async () => {
  const { sink, port, publisher } = await startTestSink();
  try {
    for (const req of ['GET / HTTP/1.1\r\nHost: x\r\n\r\nHELO x\r\n', 'HEAD / HTTP/1.0\r\n\r\n', 'CONNECT 192.0.2.1:25 HTTP/1.0\r\n\r\n']) {
      const c = await RawSmtp.open(port);
      await c.reply();
      c.write(req);
      await c.waitClosed();
    }
    const late = await RawSmtp.open(port);
    await late.reply();
    assert.equal((await late.cmd('EHLO x.example')).code, 250);
    late.write('POST / HTTP/1.0\r\n\r\n');
    await late.waitClosed();
    await settle();
    assert.equal(publisher.on('raw').length, 0);
    const ev = sessions(publisher);
    assert.equal(ev.length, 4);
    for (const e of ev) assert.ok(!e.anomalies.some((a) => a.code === 'HTTP_PREAMBLE'), JSON.stringify(e.anomalies));
  } finally {
    await sink.stop();
  }
});
