// The sink over real SMTP on loopback, with an in-test publisher: policy, limits, TLS, PROXY, misbehaving clients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { connect as tlsConnect } from 'node:tls';
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import { RAW_HEADERS, decodeRawFacts, isEvidenceId, type RawFacts, type SessionEvidenceRecord } from '@spamtrap/contracts';
import { createMemoryKafka } from '@spamtrap/kafka';
import { silentLogger } from '@spamtrap/logging';
import { startSink } from '../src/sink.js';
import { RawSmtp, TestPublisher, message, sendOne, startTestSink, testSettings } from './helpers.js';

const facts = (p: TestPublisher, i = 0): RawFacts => decodeRawFacts(String(p.on('raw')[i]!.headers![RAW_HEADERS.facts]));
const sessions = (p: TestPublisher): SessionEvidenceRecord[] => p.on('sessions').map((r) => JSON.parse(String(r.value)) as SessionEvidenceRecord);
const settle = (ms = 150): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('greets at once (no 100 ms pause) and exactly once', async () => {
  const { sink, port } = await startTestSink();
  try {
    const warm = await RawSmtp.open(port);
    await warm.reply();
    warm.close();
    // With smtp-server's stock 100 ms pause, 20 sequential greetings take >= 2 s; allow a loaded box 5x headroom.
    const t0 = Date.now();
    for (let i = 0; i < 20; i++) {
      const s = await RawSmtp.open(port);
      assert.equal((await s.reply()).code, 220);
      s.close();
    }
    assert.ok(Date.now() - t0 < 2000 / 5 + 400, `20 greetings took ${Date.now() - t0} ms`);
    const c = await RawSmtp.open(port);
    assert.equal((await c.reply()).code, 220);
    await settle(200); // smtp-server's own 100 ms timer has fired by now
    assert.equal((await c.cmd('NOOP')).code, 250); // a second 220 would have been read here
    c.close();
  } finally {
    await sink.stop();
  }
});

test('accept/reject matrix at RCPT, and one exact record per accepted message', async () => {
  const { sink, port, publisher } = await startTestSink();
  try {
    const c = await RawSmtp.open(port);
    await c.reply();
    const ehlo = await c.cmd('EHLO client.example');
    assert.doesNotMatch(ehlo.text, /AUTH/);
    assert.match(ehlo.text, /STARTTLS/);
    assert.equal((await c.cmd('MAIL FROM:<>')).code, 250);
    const expect: [string, number][] = [
      ['x@trap.example', 250],
      ['Y@Trap.Example', 250],
      ['a@mx.wild.example', 250],
      ['spam@exact.example', 250],
      ['other@exact.example', 550],
      ['a@wild.example', 550],
      ['victim@elsewhere.example', 550],
      ['a%b@trap.example', 550],
      ['user!host@trap.example', 550],
      ['@relay.example:victim@elsewhere.example', 550],
      ['@relay.example:z@trap.example', 250], // source route dropped (RFC 5321 4.1.2): delivery is to the trap
    ];
    for (const [rcpt, code] of expect) {
      const r = await c.cmd(`RCPT TO:<${rcpt}>`);
      assert.equal(r.code, code, `${rcpt}: ${r.text}`);
      if (code === 550) assert.match(r.text, /^550 5\.7\.1 /);
    }
    assert.equal((await c.cmd('DATA')).code, 354);
    const body = 'From: a@sender.example\r\nSubject: dots\r\n\r\n.leading dot\r\n..two\r\nbare\nlf\r\n';
    c.write(body.replace(/^\./gm, '..') + '.\r\n');
    const done = await c.reply();
    assert.equal(done.code, 250);
    const id = /queued as (\S+)/.exec(done.text)![1]!;
    // A second transaction on the same connection.
    assert.equal((await sendOne(c)).code, 250);
    const clientPort = c.socket.localPort;
    await c.cmd('QUIT');
    await settle();

    const raws = publisher.on('raw');
    assert.equal(raws.length, 2);
    const rec = raws[0]!;
    assert.equal(rec.key, id);
    assert.ok(isEvidenceId(id));
    assert.equal(Buffer.compare(rec.value as Buffer, Buffer.from(body)), 0, 'value is the exact dot-unstuffed DATA bytes');
    const f = facts(publisher);
    assert.equal(f.source, 'smtp');
    assert.equal(f.size, Buffer.byteLength(body));
    assert.equal(f.sha256, createHash('sha256').update(body).digest('hex'));
    const s = f.smtp!;
    assert.equal(s.mailFrom, '');
    assert.deepEqual(s.rcptTo, ['x@trap.example', 'Y@Trap.Example', 'a@mx.wild.example', 'spam@exact.example', 'z@trap.example']);
    assert.equal(s.helo, 'client.example');
    assert.equal(s.heloVerb, 'EHLO');
    assert.equal(s.peer.ip, '127.0.0.1');
    assert.equal(s.peer.port, clientPort);
    assert.equal(s.local.port, port);
    assert.equal(s.transaction, 1);
    assert.equal(s.sinkId, 'test-sink');
    assert.equal(s.proxiedBy, null);
    assert.equal(s.tls, null);
    assert.ok(s.anomalies.some((a) => a.code === 'RELAY_ATTEMPT' && a.detail?.includes('victim@elsewhere.example')));
    assert.ok(s.anomalies.some((a) => a.code === 'BARE_LF'));
    assert.equal(facts(publisher, 1).smtp!.transaction, 2);
    assert.equal(facts(publisher, 1).smtp!.connectionId, s.connectionId);
  } finally {
    await sink.stop();
  }
});

test('size limit answers 552 and records OVERSIZE; recipient limit answers 452', async () => {
  const { sink, port, publisher } = await startTestSink({ maxMessageBytes: 2048, maxRecipients: 2 });
  try {
    const c = await RawSmtp.open(port);
    await c.reply();
    await c.cmd('HELO big.example');
    const r = await sendOne(c, 'x@trap.example', message('big', 'y'.repeat(5000)));
    assert.equal(r.code, 552);
    await c.cmd('MAIL FROM:<a@b.example>');
    assert.equal((await c.cmd('RCPT TO:<a@trap.example>')).code, 250);
    assert.equal((await c.cmd('RCPT TO:<b@trap.example>')).code, 250);
    assert.equal((await c.cmd('RCPT TO:<c@trap.example>')).code, 452);
    await c.cmd('QUIT');
    await settle();
    assert.equal(publisher.on('raw').length, 0);
    const s = sessions(publisher);
    assert.equal(s.length, 1);
    assert.ok(s[0]!.anomalies.some((a) => a.code === 'OVERSIZE'));
    assert.equal(s[0]!.helo, 'big.example'); // no message was accepted: HELO taken from the transcript
    assert.match(s[0]!.transcript[0]!, /^HELO big\.example/);
  } finally {
    await sink.stop();
  }
});

test('an over-long command line ends the session with 421', async () => {
  const { sink, port } = await startTestSink({ maxLineBytes: 1024 });
  try {
    const c = await RawSmtp.open(port);
    await c.reply();
    const r = await c.cmd('EHLO ' + 'a'.repeat(2000));
    assert.equal(r.code, 421);
    await c.waitClosed();
  } finally {
    await sink.stop();
  }
});

test('AUTH is not offered; every attempt gets Postfix\'s 503 5.5.1 and is recorded by mechanism, never its credentials', async () => {
  const { sink, port, publisher } = await startTestSink({ tlsListen: '127.0.0.1:0' });
  const blob = Buffer.from('\0bot\0hunter2').toString('base64');
  const user = Buffer.from('bot').toString('base64');
  const pass = Buffer.from('hunter2').toString('base64');
  try {
    const c = await RawSmtp.open(port);
    await c.reply();
    assert.doesNotMatch((await c.cmd('EHLO x.example')).text, /AUTH/);
    for (const cmd of [`AUTH PLAIN ${blob}`, 'AUTH LOGIN', `auth login ${user}`, 'AUTH CRAM-MD5', `AUTH ${blob}`, 'AUTH PLAIN']) {
      const r = await c.cmd(cmd);
      assert.equal(r.text, '503 5.5.1 Error: authentication not enabled', cmd);
    }
    // A bot that does not wait: AUTH LOGIN with user and password behind it in one write.
    c.write(`AUTH LOGIN\r\n${user}\r\n${pass}\r\n`);
    assert.equal((await c.reply()).code, 503);
    assert.equal((await c.reply()).code, 500);
    assert.equal((await c.reply()).code, 500);
    assert.equal((await sendOne(c)).code, 250, 'unauthenticated mail still flows');
    await c.cmd('QUIT');

    // Implicit TLS: not offered there either, same reply.
    const s = tlsConnect({ host: '127.0.0.1', port: sink.tlsAddress!.port, rejectUnauthorized: false });
    const tlsLines: string[] = [];
    let buf = '';
    s.setEncoding('latin1');
    s.on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\r\n')) >= 0) {
        tlsLines.push(buf.slice(0, nl));
        buf = buf.slice(nl + 2);
      }
    });
    const until = async (re: RegExp): Promise<void> => {
      for (let i = 0; i < 200 && !tlsLines.some((l) => re.test(l)); i++) await settle(25);
    };
    await until(/^220 /);
    s.write('EHLO tls.example\r\n');
    await until(/^250 /);
    s.write(`AUTH PLAIN ${blob}\r\n`);
    await until(/^503 /);
    s.end('QUIT\r\n');
    assert.ok(!tlsLines.some((l) => /AUTH/.test(l)), tlsLines.join(' | '));
    assert.ok(tlsLines.includes('503 5.5.1 Error: authentication not enabled'), tlsLines.join(' | '));

    // Before the greeting, and gone without a message: the session record.
    const early = await startTestSink({ pregreetMs: 60 }, publisher);
    try {
      const e = await RawSmtp.open(early.port);
      e.write(`EHLO bot.example\r\nAUTH PLAIN ${blob}\r\n`);
      const got = [(await e.reply()).code, (await e.reply()).code, (await e.reply()).code];
      assert.deepEqual(got, [220, 250, 503]);
      e.close();
      await settle();
    } finally {
      await early.sink.stop();
    }
    await settle();

    const raw = facts(publisher).smtp!;
    assert.deepEqual(
      raw.anomalies.filter((a) => a.code === 'AUTH_ATTEMPT').map((a) => a.detail),
      ['PLAIN', 'LOGIN', 'CRAM-MD5', 'unknown'],
    );
    const ev = sessions(publisher);
    const tlsEv = ev.find((x) => x.anomalies.some((a) => a.code === 'AUTH_ATTEMPT') && !x.anomalies.some((a) => a.code === 'EARLY_TALKER'));
    assert.ok(tlsEv !== undefined, JSON.stringify(ev));
    const earlyEv = ev.find((x) => x.anomalies.some((a) => a.code === 'EARLY_TALKER'))!;
    assert.deepEqual(earlyEv.anomalies.map((a) => [a.code, a.detail]).filter(([c]) => c !== 'PIPELINING_VIOLATION'), [
      ['EARLY_TALKER', 'EHLO bot.example\\r\\nAUTH PLAIN [credentials withheld]\\r\\n'],
      ['AUTH_ATTEMPT', 'PLAIN'],
    ]);
    assert.deepEqual(earlyEv.transcript, ['EHLO bot.example', 'AUTH PLAIN [credentials withheld]']);
    // Nowhere in what the sink published: not the blob, not the user or password lines.
    const published = publisher.records.map((r) => `${String(r.value)} ${JSON.stringify(r.headers)}`).join('\n');
    for (const secret of [blob, user, pass]) assert.ok(!published.includes(secret), `${secret} published`);
    // Operators see them in the metrics: one per mechanism and connection (PLAIN, LOGIN, CRAM-MD5, unknown; PLAIN over TLS).
    const m = await sink.metrics.registry.getSingleMetricAsString('spamtrap_sink_anomalies_total');
    assert.match(m, /spamtrap_sink_anomalies_total\{code="AUTH_ATTEMPT"\} 5\n/, m);
  } finally {
    await sink.stop();
  }
});

test('STARTTLS with a real client; TLS facts recorded; implicit TLS port too', async () => {
  const { sink, port, publisher } = await startTestSink({ tlsListen: '127.0.0.1:0' });
  try {
    const client = new SMTPConnection({ host: '127.0.0.1', port, requireTLS: true, tls: { rejectUnauthorized: false }, name: 'tls.example' });
    await new Promise<void>((res, rej) => client.connect((err?: Error) => (err ? rej(err) : res())));
    const info = await new Promise<{ accepted: string[]; response: string }>((res, rej) =>
      client.send({ from: 'a@sender.example', to: ['x@trap.example'] }, message('tls'), (err, i) => (err ? rej(err) : res(i))),
    );
    client.quit();
    assert.match(info.response, /^250 /);
    const smtps = tlsConnect({ host: '127.0.0.1', port: sink.tlsAddress!.port, rejectUnauthorized: false });
    const greet = await new Promise<string>((res) => smtps.once('data', (d: Buffer) => res(String(d))));
    assert.match(greet, /^220 /);
    smtps.write('EHLO x\r\n');
    const ehlo = await new Promise<string>((res) => smtps.once('data', (d: Buffer) => res(String(d))));
    assert.doesNotMatch(ehlo, /STARTTLS/);
    smtps.destroy();
    await settle();
    const tls = facts(publisher).smtp!.tls;
    assert.ok(tls !== null && /^TLSv1\.[23]$/.test(tls.protocol) && tls.cipher.length > 0, JSON.stringify(tls));
  } finally {
    await sink.stop();
  }
});

test('PROXY v1 from a trusted front sets the peer; a bad header is refused and recorded', async () => {
  const { sink, port, publisher } = await startTestSink({ proxyFrom: ['127.0.0.1'] });
  try {
    const c = await RawSmtp.open(port);
    c.write('PROXY TCP4 192.0.2.77 198.51.100.25 40001 25\r\n');
    assert.equal((await c.reply()).code, 220);
    await c.cmd('EHLO proxied.example');
    assert.equal((await sendOne(c)).code, 250);
    await c.cmd('QUIT');
    const bad = await RawSmtp.open(port);
    bad.write('EHLO not-a-proxy-header\r\n');
    assert.equal((await bad.reply()).code, 421);
    await bad.waitClosed();
    await settle();
    const s = facts(publisher).smtp!;
    assert.deepEqual(s.peer, { ip: '192.0.2.77', port: 40001 });
    assert.deepEqual(s.local, { ip: '198.51.100.25', port: 25 });
    assert.equal(s.proxiedBy?.ip, '127.0.0.1');
    const ev = sessions(publisher);
    assert.equal(ev.length, 1);
    assert.equal(ev[0]!.anomalies[0]!.code, 'PROXY_HEADER_INVALID');
  } finally {
    await sink.stop();
  }
});

test('a PROXY header from an untrusted peer is refused and recorded (before and after the greeting)', async () => {
  for (const pregreetMs of [50, 0]) {
    const { sink, port, publisher } = await startTestSink({ pregreetMs });
    try {
      const c = await RawSmtp.open(port);
      if (pregreetMs === 0) assert.equal((await c.reply()).code, 220);
      c.write('PROXY TCP4 203.0.113.9 198.51.100.25 1234 25\r\n');
      let last = await c.reply();
      while (last.code < 554 && !c.closed) last = await c.reply().catch(() => last);
      assert.equal(last.code, 554, `pregreet ${pregreetMs}: ${last.text}`);
      await c.waitClosed();
      await settle();
      const ev = sessions(publisher);
      assert.equal(ev.length, 1);
      assert.ok(ev[0]!.anomalies.some((a) => a.code === 'PROXY_HEADER_UNTRUSTED' && a.detail!.includes('203.0.113.9')), JSON.stringify(ev[0]));
      assert.equal(ev[0]!.peer.ip, '127.0.0.1', 'the claimed address is not believed');
    } finally {
      await sink.stop();
    }
  }
});

test('early talker: recorded with its bytes; continue mode still takes its message, reject mode says 554', async () => {
  const a = await startTestSink({ pregreetMs: 60 });
  try {
    const c = await RawSmtp.open(a.port);
    c.write('EHLO hasty.example\r\n');
    const greet = await c.reply();
    assert.equal(greet.code, 220, greet.text);
    assert.equal((await c.reply()).code, 250);
    assert.equal((await sendOne(c)).code, 250);
    await c.cmd('QUIT');
    await settle();
    const an = facts(a.publisher).smtp!.anomalies;
    assert.equal(an[0]!.code, 'EARLY_TALKER');
    assert.equal(an[0]!.detail, 'EHLO hasty.example\\r\\n');
    assert.equal(sessions(a.publisher).length, 0, 'the raw record carried the anomaly');
  } finally {
    await a.sink.stop();
  }
  const b = await startTestSink({ pregreetMs: 60, earlyTalker: 'reject' });
  try {
    const c = await RawSmtp.open(b.port);
    c.write('EHLO hasty.example\r\nMAIL FROM:<\x00\xff>\r\n');
    const r = await c.reply();
    assert.equal(r.code, 554);
    assert.match(r.text, /5\.5\.1/);
    await c.waitClosed();
    await settle();
    const ev = sessions(b.publisher);
    assert.equal(ev.length, 1);
    assert.equal(ev[0]!.anomalies[0]!.code, 'EARLY_TALKER');
    assert.match(ev[0]!.anomalies[0]!.detail!, /\\x00\\xc3\\xbf|\\x00\\xff/);
    assert.equal(ev[0]!.messages, 0);
  } finally {
    await b.sink.stop();
  }
});

// POST and PUT (a body can follow: an open proxy forwarding SMTP) are taken: http-preamble.integration.test.ts.
test('HTTP on the SMTP port is session evidence: GET, HEAD, CONNECT, before or after the greeting', async () => {
  const cases: [string, string, number][] = [
    ['GET / HTTP/1.1\r\nHost: trap\r\n\r\n', 'HTTP_REQUEST', 40],
    ['CONNECT 1.2.3.4:25 HTTP/1.0\r\n\r\n', 'PROXY_CONNECT', 40],
    ['GET http://198.51.100.1/ HTTP/1.0\r\nContent-Length: 0\r\n\r\n', 'HTTP_REQUEST', 0],
    ['HEAD / HTTP/1.0\r\n\r\n', 'HTTP_REQUEST', 0],
    ['CONNECT 1.2.3.4:25 HTTP/1.0\r\n\r\n', 'PROXY_CONNECT', 0],
  ];
  for (const [req, code, pregreetMs] of cases) {
    const { sink, port, publisher } = await startTestSink({ pregreetMs });
    try {
      const c = await RawSmtp.open(port);
      if (pregreetMs === 0) assert.equal((await c.reply()).code, 220);
      c.write(req);
      await c.waitClosed();
      await settle();
      const ev = sessions(publisher);
      assert.equal(ev.length, 1, req);
      assert.ok(ev[0]!.anomalies.some((a) => a.code === code), JSON.stringify(ev[0]!.anomalies));
      assert.equal(ev[0]!.transcript[0], req.split('\r\n')[0]);
      assert.equal(ev[0]!.messages, 0);
      assert.ok(isEvidenceId(ev[0]!.evidenceId));
      const m = await sink.metrics.registry.getSingleMetricAsString('spamtrap_sink_http_requests_total');
      assert.match(m, new RegExp(`kind="${code}"} 1`));
    } finally {
      await sink.stop();
    }
  }
});

test('Kafka failure or a slow ack answers 451 4.3.0, never 250; after recovery 250 again', async () => {
  const { sink, port, publisher } = await startTestSink({ sinkPublishTimeoutMs: 300 });
  try {
    const c = await RawSmtp.greeted(port, 'x.example');
    publisher.fail = true;
    const r1 = await sendOne(c);
    assert.equal(r1.code, 451);
    assert.match(r1.text, /4\.3\.0/);
    publisher.fail = false;
    publisher.delayMs = 1500; // past the 300 ms bound (+250 ms guard)
    const r2 = await sendOne(c);
    assert.equal(r2.code, 451);
    publisher.delayMs = 0;
    const before = publisher.on('raw').length;
    const r3 = await sendOne(c);
    assert.equal(r3.code, 250);
    await settle(1500);
    // The slow publish may still land later (at-least-once); the failed one never does.
    assert.ok(publisher.on('raw').length >= before + 1);
    const m = await sink.metrics.registry.getSingleMetricAsString('spamtrap_sink_messages_rejected_total');
    assert.match(m, /reason="kafka_unavailable"} 2/);
    c.close();
  } finally {
    await sink.stop();
  }
});

test('connection limits: per IP and in total answer 421', async () => {
  const { sink, port } = await startTestSink({ maxConnectionsPerIp: 2, maxConnections: 3 });
  try {
    const a = await RawSmtp.open(port);
    const b = await RawSmtp.open(port);
    assert.equal((await a.reply()).code, 220);
    assert.equal((await b.reply()).code, 220);
    const c = await RawSmtp.open(port);
    const r = await c.reply();
    assert.equal(r.code, 421);
    assert.match(r.text, /your address/);
    await c.waitClosed();
    a.close();
    await settle();
    const d = await RawSmtp.open(port);
    assert.equal((await d.reply()).code, 220, 'a slot is free again');
    b.close();
    d.close();
  } finally {
    await sink.stop();
  }
});

test('per-IP limit: IPv6 peers share it per /64, IPv4-mapped peers with their IPv4 address', async () => {
  // The peers are the PROXY-header addresses a trusted front (loopback here) reports.
  const { sink, port } = await startTestSink({ proxyFrom: ['127.0.0.1'], maxConnectionsPerIp: 2 });
  const open: RawSmtp[] = [];
  const via = async (src: string, family = 'TCP6'): Promise<{ c: RawSmtp; code: number; text: string }> => {
    const c = await RawSmtp.open(port);
    open.push(c);
    c.write(`PROXY ${family} ${src} ${family === 'TCP6' ? '2001:db8:ffff::25' : '198.51.100.25'} 40001 25\r\n`);
    const r = await c.reply();
    return { c, ...r };
  };
  try {
    assert.equal((await via('2001:db8:1:2::a')).code, 220);
    assert.equal((await via('2001:db8:1:2:ffff:ffff:ffff:ffff')).code, 220);
    const third = await via('2001:db8:1:2::c');
    assert.equal(third.code, 421, 'a third address of the same /64 is over the limit');
    assert.match(third.text, /your address/);
    await third.c.waitClosed();
    assert.equal((await via('2001:db8:1:3::a')).code, 220, 'the next /64 is another peer');
    assert.equal((await via('192.0.2.1', 'TCP4')).code, 220);
    assert.equal((await via('::ffff:192.0.2.1')).code, 220);
    assert.equal((await via('192.0.2.1', 'TCP4')).code, 421, 'IPv4-mapped IPv6 counts as its IPv4 address');
    assert.equal((await via('192.0.2.2', 'TCP4')).code, 220, 'IPv4 is counted per address');
    open[0]!.close();
    await settle();
    assert.equal((await via('2001:db8:1:2::d')).code, 220, 'a slot of the /64 is free again');
  } finally {
    for (const c of open) c.close();
    await sink.stop();
  }
});

test('in-flight byte cap: over it a message gets 451 4.3.1 instead of more memory', async () => {
  const pub = new TestPublisher();
  pub.delayMs = 800;
  const { sink, port } = await startTestSink({ maxInflightBytes: 100_000, maxMessageBytes: 90_000 }, pub);
  try {
    const big = message('big', 'z'.repeat(70_000));
    const a = await RawSmtp.open(port);
    const b = await RawSmtp.open(port);
    await a.reply();
    await b.reply();
    await a.cmd('EHLO a.example');
    await b.cmd('EHLO b.example');
    const ra = sendOne(a, 'x@trap.example', big);
    await settle(200);
    const rb = await sendOne(b, 'x@trap.example', big);
    assert.equal(rb.code, 451);
    assert.match(rb.text, /4\.3\.1/);
    assert.equal((await ra).code, 250);
    a.close();
    b.close();
  } finally {
    await sink.stop();
  }
});

test('client vanishing mid-DATA and a DATA timeout are recorded', async () => {
  const { sink, port, publisher } = await startTestSink({ dataTimeoutMs: 400 });
  try {
    const a = await RawSmtp.greeted(port, 'a.example');
    await a.cmd('MAIL FROM:<a@b.example>');
    await a.cmd('RCPT TO:<x@trap.example>');
    await a.cmd('DATA');
    a.write('Subject: cut\r\n\r\npartial');
    await settle(50);
    a.close();
    const b = await RawSmtp.greeted(port, 'b.example');
    await b.cmd('MAIL FROM:<a@b.example>');
    await b.cmd('RCPT TO:<x@trap.example>');
    await b.cmd('DATA');
    b.write('Subject: slow\r\n\r\n');
    const r = await b.reply(3000);
    assert.equal(r.code, 451);
    assert.match(r.text, /4\.4\.2/);
    await b.waitClosed();
    await settle(300);
    const codes = sessions(publisher).flatMap((s) => s.anomalies.map((x) => x.code));
    assert.ok(codes.includes('DATA_STREAM_ERROR'), codes.join());
    assert.ok(codes.includes('DATA_TIMEOUT'), codes.join());
    assert.equal(publisher.on('raw').length, 0);
  } finally {
    await sink.stop();
  }
});

test('stop() lets a transaction in flight finish with 250 and refuses new work', async () => {
  const pub = new TestPublisher();
  pub.delayMs = 400;
  const { sink, port } = await startTestSink({ drainTimeoutMs: 5000 }, pub);
  const a = await RawSmtp.greeted(port, 'a.example');
  await a.cmd('MAIL FROM:<a@b.example>');
  await a.cmd('RCPT TO:<x@trap.example>');
  await a.cmd('DATA');
  a.write(message() + '.\r\n');
  await settle(100);
  const stopped = sink.stop();
  const r = await a.reply();
  assert.equal(r.code, 250);
  await stopped;
  assert.equal(pub.on('raw').length, 1);
  await assert.rejects(RawSmtp.open(port).then((c) => c.reply(1000)));
});

test('pipelining watch follows smtp-server: content sent before a delayed 354 is flagged; after a refused DATA the client is judged on commands', async () => {
  const pub = new TestPublisher();
  pub.delayMs = 300; // the first message's 250 (and so the pipelined DATA's 354) waits for the ack
  const { sink, port, publisher } = await startTestSink({}, pub);
  try {
    const body = message('early', 'x');
    const c = await RawSmtp.greeted(port, 'mta.example');
    c.write('MAIL FROM:<a@sender.example>\r\nRCPT TO:<x@trap.example>\r\nDATA\r\n');
    assert.deepEqual([(await c.reply()).code, (await c.reply()).code, (await c.reply()).code], [250, 250, 354]);
    // Legal RFC 2920 group after the dot; but the second message follows at once, before any reply.
    c.write(body + '.\r\nMAIL FROM:<a@sender.example>\r\nRCPT TO:<x@trap.example>\r\nDATA\r\n');
    await settle(50);
    c.write(body + '.\r\n');
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await c.reply(15_000)).code);
    assert.deepEqual(codes, [250, 250, 250, 354, 250]);
    // No QUIT: smtp-server 3.21.6 stops reading this session here (SMTPStream.continue() clears the
    // continuation the second message's end set while the first message's continue() was running).
    c.close();
    pub.delayMs = 0;

    // A relay attempt: DATA refused (503), then a polite RSET; a burst after that is still judged.
    const r = await RawSmtp.open(port);
    await r.reply();
    await r.cmd('HELO bot.example');
    await r.cmd('MAIL FROM:<a@sender.example>');
    assert.equal((await r.cmd('RCPT TO:<victim@elsewhere.example>')).code, 550);
    assert.equal((await r.cmd('DATA')).code, 503);
    assert.equal((await r.cmd('RSET')).code, 250);
    r.write('MAIL FROM:<a@sender.example>\r\nRCPT TO:<x@trap.example>\r\n');
    assert.deepEqual([(await r.reply()).code, (await r.reply()).code], [250, 250]);
    await r.cmd('QUIT');
    await r.waitClosed();
    await settle();

    const second = facts(publisher, 1).smtp!;
    assert.equal(second.transaction, 2);
    const v = second.anomalies.find((a) => a.code === 'PIPELINING_VIOLATION');
    assert.match(v?.detail ?? '', /^"From: a@sender.example\\r\\n.*" sent before the 354 reply to DATA$/, JSON.stringify(second.anomalies));
    assert.deepEqual(facts(publisher, 0).smtp!.anomalies, [], 'the first message was sent properly');
    const ev = sessions(publisher);
    assert.equal(ev.length, 1);
    assert.deepEqual(ev[0]!.anomalies.map((a) => a.code), ['RELAY_ATTEMPT', 'PIPELINING_VIOLATION']);
    assert.match(ev[0]!.anomalies[1]!.detail!, /"RCPT TO:<x@trap.example>\\r\\n" sent before the reply to MAIL \(PIPELINING not offered\)/);
  } finally {
    await sink.stop();
  }
});

test('health and metrics endpoints', async () => {
  const { sink, publisher } = await startTestSink({ metricsListen: '127.0.0.1:0' });
  try {
    const base = `http://127.0.0.1:${sink.metricsAddress!.port}`;
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    publisher.fail = true;
    assert.equal((await fetch(`${base}/readyz`)).status, 503);
    const text = await (await fetch(`${base}/metrics`)).text();
    for (const name of ['spamtrap_sink_connections_open', 'spamtrap_sink_messages_accepted_total', 'spamtrap_sink_publish_seconds_bucket', 'spamtrap_sink_early_talkers_total', 'spamtrap_sink_inflight_bytes']) {
      assert.ok(text.includes(name), name);
    }
  } finally {
    await sink.stop();
  }
});

test('adversarial clients (binary junk, half-close, resets, endless lines) do not break the sink', async () => {
  const { sink, port, publisher } = await startTestSink({ pregreetMs: 30, maxLineBytes: 1024 });
  try {
    // Binary junk then close, inside the pre-greeting window.
    const a = await RawSmtp.open(port);
    a.write(Buffer.from([0x00, 0xff, 0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0xfe, 0x0d, 0x0a]));
    a.socket.end();
    // Half-close right after connecting.
    const b = await RawSmtp.open(port);
    b.socket.end();
    // Resets at every stage.
    for (let i = 0; i < 20; i++) {
      const c = await RawSmtp.open(port);
      if (i % 2 === 0) c.write('EHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<x@trap.example>\r\nDATA\r\npartial');
      c.socket.resetAndDestroy();
    }
    // A line that never ends.
    const d = await RawSmtp.open(port);
    await d.reply();
    d.write('X'.repeat(200_000));
    assert.equal((await d.reply()).code, 421);
    await d.waitClosed();
    await settle(300);
    // Still serving.
    const ok = await RawSmtp.open(port);
    assert.equal((await ok.reply()).code, 220);
    await ok.cmd('EHLO fine.example');
    assert.equal((await sendOne(ok)).code, 250);
    ok.close();
    await settle();
    const junk = sessions(publisher).find((s) => s.anomalies.some((x) => x.code === 'EARLY_TALKER' && x.detail!.startsWith('\\x00\\xff')));
    assert.ok(junk, 'the binary early talker is on record');
  } finally {
    await sink.stop();
  }
});

test('with the in-memory Kafka fake: injected failure and unavailability give 451, a record too large for the topic 552', async () => {
  const mem = createMemoryKafka();
  await mem.admin.ensureTopics([{ topic: 'raw', partitions: 2, maxMessageBytes: 50_000 }, { topic: 'sessions', partitions: 1 }]);
  const publisher = mem.createPublisher();
  const sink = await startSink(testSettings({ maxMessageBytes: 100_000, sinkPublishTimeoutMs: 500 }), { publisher, logger: silentLogger(), processMetrics: false });
  try {
    const c = await RawSmtp.open(sink.address.port);
    await c.reply();
    await c.cmd('EHLO mem.example');
    assert.equal((await sendOne(c)).code, 250);
    mem.failNextPublishes(1);
    assert.equal((await sendOne(c)).code, 451);
    mem.setUnavailable(true);
    assert.equal((await sendOne(c)).code, 451);
    mem.setUnavailable(false);
    const big = await sendOne(c, 'x@trap.example', message('big', 'b'.repeat(60_000)));
    assert.equal(big.code, 552, big.text);
    assert.equal((await sendOne(c)).code, 250);
    c.close();
    assert.equal(mem.records('raw').length, 2, 'exactly the two 250s are in the topic');
  } finally {
    await sink.stop();
    await publisher.close();
  }
});
