// The pipelining watch: what counts as sending ahead of our replies, read by read, and what is RFC 2920 pipelining.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PipeliningWatch } from '../src/pipelining-watch.js';
import { PIPELINING_WATCH_MAX_BYTES } from '../src/limits.js';

/** smtp-server answered the DATA read before with 354 (the sink's onData hook calls `dataAccepted()`). */
const OK354 = Symbol('354');
type Step = string | Buffer | typeof OK354;

/** Feed reads (and 354s) in order; the first violation reported, or null. */
function watch(...steps: Step[]): string | null {
  const w = new PipeliningWatch(PIPELINING_WATCH_MAX_BYTES);
  for (const s of steps) {
    const v = s === OK354 ? w.dataAccepted() : w.read(typeof s === 'string' ? Buffer.from(s, 'latin1') : s);
    if (v !== null) return v;
  }
  return null;
}

/** One polite transaction: each command in its own read, the message and its final dot in one read. */
const polite = (body = 'Subject: x\r\n\r\nbody\r\n'): Step[] => ['MAIL FROM:<a@b>\r\n', 'RCPT TO:<c@d>\r\n', 'DATA\r\n', OK354, body + '.\r\n'];

test('a client that waits for every reply is never flagged (HELO or EHLO, CRLF or bare LF)', () => {
  assert.equal(watch('HELO x\r\n', ...polite(), 'QUIT\r\n'), null);
  assert.equal(watch('EHLO x\n', 'MAIL FROM:<a@b>\n', 'RCPT TO:<c@d>\n', 'DATA\n', OK354, 'body\r\n.\r\n', 'QUIT\n'), null);
  // A line split over reads is one line.
  assert.equal(watch('HE', 'LO x', '\r', '\n', 'MAIL FROM:<a@b>\r\n'), null);
  // Many transactions in one session, RSET and NOOP between them.
  assert.equal(watch('HELO x\r\n', ...polite(), ...polite(), 'RSET\r\n', 'NOOP\r\n', ...polite(), 'QUIT\r\n'), null);
});

test('after HELO, more than one command in a read is a violation', () => {
  const v = watch('HELO x\r\n', 'MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n');
  assert.ok(v !== null);
  assert.match(v, /RCPT TO:<c@d>.*before the reply to MAIL \(PIPELINING not offered\)/);
  assert.match(watch('HELO x\r\nMAIL FROM:<a@b>\r\n') ?? '', /before the reply to HELO/);
  // The second line need not be complete: its first byte was sent before the reply.
  assert.match(watch('HELO x\r\n', 'MAIL FROM:<a@b>\r\nR') ?? '', /PIPELINING not offered/);
  // Completing a split line and sending the next in the same read is the same thing.
  assert.match(watch('HELO x\r\n', 'MAIL FR', 'OM:<a@b>\r\nRCPT TO:<c@d>\r\n') ?? '', /before the reply to MAIL/);
});

test('before any HELO/EHLO nothing may be pipelined (early talker bursts, HTTP-proxied dialogues)', () => {
  assert.match(watch('EHLO x\r\nMAIL FROM:<a@b>\r\n') ?? '', /before the reply to EHLO/);
  assert.match(watch('MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n') ?? '', /PIPELINING not offered/);
  assert.match(watch('\r\nHELO x\r\n') ?? '', /an empty line/);
});

test('RFC 2920 pipelining after EHLO is not flagged: MAIL/RCPT/DATA grouped with DATA last, RSET too', () => {
  assert.equal(watch('EHLO x\r\n', 'MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nRCPT TO:<e@f>\r\nDATA\r\n', OK354, 'body\r\n.\r\nQUIT\r\n'), null);
  assert.equal(watch('EHLO x\r\n', 'RSET\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n'), null);
  // The message may open the next group (RFC 2920 3.1): final dot, then the next MAIL/RCPT/DATA, in one read.
  assert.equal(watch('EHLO x\r\n', 'MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n', OK354, 'one\r\n.\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n', OK354, 'two\r\n.\r\nQUIT\r\n'), null);
});

test('message content in the same read as DATA is flagged, with or without EHLO', () => {
  assert.match(watch('EHLO x\r\n', 'MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\nSubject: hi\r\n') ?? '', /message content in the same read as DATA, before the 354 reply: Subject: hi/);
  assert.match(watch('HELO x\r\n', 'MAIL FROM:<a@b>\r\n', 'RCPT TO:<c@d>\r\n', 'DATA\r\nx') ?? '', /same read as DATA/);
  // In a later transaction too.
  assert.match(watch('HELO x\r\n', ...polite(), 'MAIL FROM:<a@b>\r\n', 'RCPT TO:<c@d>\r\n', 'DATA\r\nSubject: again\r\n') ?? '', /same read as DATA, before the 354 reply: Subject: again/);
});

test('without PIPELINING, bytes behind the final dot in the same read were sent before its reply', () => {
  const quit = watch('HELO x\r\n', 'MAIL FROM:<a@b>\r\n', 'RCPT TO:<c@d>\r\n', 'DATA\r\n', OK354, 'Subject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n');
  assert.equal(quit, '"QUIT\\r\\n" sent before the reply to the end of data (".") (PIPELINING not offered)');
  assert.match(watch('HELO x\r\n', ...polite(), 'MAIL FROM:<a@b>\r\n', 'RCPT TO:<c@d>\r\n', 'DATA\r\n', OK354, 'two\r\n.\r\nMAIL FROM:<a@b>\r\n') ?? '', /"MAIL FROM:<a@b>\\r\\n" sent before the reply to the end of data/);
  // Before any HELO/EHLO (an early talker's whole dialogue) it is the same.
  assert.match(watch('MAIL FROM:<a@b>\r\n', 'RCPT TO:<c@d>\r\n', 'DATA\r\n', OK354, 'x\r\n.\r\nQUIT\r\n') ?? '', /end of data/);
  // HELO after EHLO withdraws the extension for the messages that follow.
  assert.equal(watch('EHLO x\r\n', 'HELO y\r\n', ...polite(), 'QUIT\r\n'), null);
  assert.match(watch('EHLO x\r\n', 'HELO y\r\n', 'MAIL FROM:<a@b>\r\n', 'RCPT TO:<c@d>\r\n', 'DATA\r\n', OK354, 'x\r\n.\r\nQUIT\r\n') ?? '', /end of data/);
});

test('later transactions are judged: a HELO client bursting its second MAIL/RCPT/DATA, an EHLO client with NOOP inside a group', () => {
  const v = watch('HELO x\r\n', ...polite(), 'MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n');
  assert.match(v ?? '', /"RCPT TO:<c@d>\\r\\nDATA\\r\\n" sent before the reply to MAIL \(PIPELINING not offered\)/);
  assert.match(watch('HELO x\r\n', ...polite(), ...polite(), 'RSET\r\nQUIT\r\n') ?? '', /before the reply to RSET/);
  assert.match(watch('EHLO x\r\n', 'MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n', OK354, 'x\r\n.\r\nNOOP\r\nMAIL FROM:<a@b>\r\n') ?? '', /reply to NOOP \(it must end a pipelined group/);
  assert.match(watch('EHLO x\r\n', ...polite(), 'QUIT\r\nMAIL FROM:<a@b>\r\n') ?? '', /reply to QUIT/);
});

test('the end of data is found as smtp-server finds it: CRLF.CRLF only, the DATA line\'s CRLF counts, dot-stuffed lines do not end it', () => {
  const pre: Step[] = ['HELO x\r\n', 'MAIL FROM:<a@b>\r\n', 'RCPT TO:<c@d>\r\n', 'DATA\r\n', OK354];
  // Lines that look like commands inside the message are content.
  assert.equal(watch(...pre, 'QUIT\r\nMAIL FROM:<x@y>\r\nRCPT TO:<z@w>\r\n', 'DATA\r\nRSET\r\n', '.\r\n'), null);
  // A dot-stuffed line ("..") is content, also as the very first line; a dot line with bare LF ends nothing.
  assert.equal(watch(...pre, '..\r\nQUIT\r\n', 'a\r\n..\r\nQUIT\r\n', 'b\n.\nQUIT\n', 'c\r\n.\r\n'), null);
  assert.equal(watch(...pre, '..\r\n', '..\r\nQUIT\r\n', 'd\r\n.\r\n'), null);
  // ".\r\n" right after the 354 is an empty message (the CRLF of the DATA line is the terminator's first half).
  assert.match(watch(...pre, '.\r\nQUIT\r\n') ?? '', /"QUIT\\r\\n" sent before the reply to the end of data/);
  // A dot line following a dot-stuffed one ends the message.
  assert.match(watch(...pre, 'a\r\n..\r\n.\r\nQUIT\r\n') ?? '', /"QUIT\\r\\n" sent before the reply to the end of data/);
});

test('the terminator is found wherever the reads split it, and only bytes in its own read count', () => {
  const full = 'Subject: x\r\n\r\nbody\r\n..x\r\n.\r\nQUIT\r\n';
  const end = full.indexOf('QUIT');
  const pre: Step[] = ['HELO x\r\n', 'MAIL FROM:<a@b>\r\n', 'RCPT TO:<c@d>\r\n', 'DATA\r\n', OK354];
  for (let k = 1; k < full.length; k++) {
    const v = watch(...pre, full.slice(0, k), full.slice(k));
    if (k === end) assert.equal(v, null, `split at ${k}`);
    else assert.match(v ?? '', /end of data/, `split at ${k}`);
  }
  // Split in three around the terminator, and one byte per read: no read holds the dot and QUIT together.
  assert.equal(watch(...pre, 'body\r', '\n.', '\r\n', 'QUIT\r\n'), null);
  assert.equal(watch(...pre, ...[...full].map((ch) => ch)), null);
  // The same with the terminator straddling a read boundary and QUIT behind it in the second read.
  assert.match(watch(...pre, 'body\r\n.', '\r\nQUIT\r\n') ?? '', /end of data/);
  assert.match(watch(...pre, 'body\r', '\n', '.\r', '\nQUIT\r\n') ?? '', /end of data/);
});

test('a DATA answered without 354 is followed by commands; a 354 that comes after the next read means the client did not wait', () => {
  // Refused DATA (503: no recipient accepted): the client's next reads are commands and are judged as such.
  assert.equal(watch('HELO x\r\n', 'MAIL FROM:<a@b>\r\n', 'RCPT TO:<relay@elsewhere>\r\n', 'DATA\r\n', 'RSET\r\n', ...polite(), 'QUIT\r\n'), null);
  assert.match(watch('HELO x\r\n', 'MAIL FROM:<a@b>\r\n', 'RCPT TO:<relay@elsewhere>\r\n', 'DATA\r\n', 'RSET\r\nQUIT\r\n') ?? '', /before the reply to RSET/);
  // The client wrote its message before our 354: the 354 comes after those bytes were read.
  assert.equal(
    watch('EHLO x\r\n', 'MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n', 'Subject: early\r\n', OK354),
    '"Subject: early\\r\\n" sent before the 354 reply to DATA',
  );
  // A 354 the watch cannot place (no DATA line seen) stops it instead of misreading content as commands.
  const w = new PipeliningWatch(PIPELINING_WATCH_MAX_BYTES);
  assert.equal(w.read(Buffer.from('HELO x\r\n')), null);
  assert.equal(w.dataAccepted(), null);
  assert.equal(w.finished, true);
  assert.equal(w.read(Buffer.from('a\r\nb\r\nc\r\n')), null);
});

test('after EHLO, commands that must end a group are flagged when something follows them', () => {
  assert.match(watch('EHLO x\r\n', 'NOOP\r\nMAIL FROM:<a@b>\r\n') ?? '', /reply to NOOP \(it must end a pipelined group/);
  assert.match(watch('EHLO x\r\n', 'EHLO y\r\nMAIL FROM:<a@b>\r\n') ?? '', /reply to EHLO/);
  // HELO after EHLO withdraws the extension.
  assert.match(watch('EHLO x\r\n', 'HELO y\r\n', 'MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n') ?? '', /PIPELINING not offered/);
});

test('the watch stops at STARTTLS, BDAT, the first violation and its command-byte budget; message content is not counted', () => {
  // After STARTTLS the bytes are a TLS handshake; after BDAT, chunks (CHUNKING is not offered).
  assert.equal(watch('EHLO x\r\n', 'STARTTLS\r\n', '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\n\n\n'), null);
  assert.equal(watch('EHLO x\r\n', 'BDAT 10 LAST\r\n', 'a\r\nb\r\nc\r\nd\r\n'), null);
  // One violation per connection: the watch is off after it.
  const once = new PipeliningWatch(PIPELINING_WATCH_MAX_BYTES);
  assert.notEqual(once.read(Buffer.from('HELO x\r\nMAIL FROM:<a@b>\r\n')), null);
  assert.equal(once.finished, true);
  assert.equal(once.read(Buffer.from('A\r\nB\r\n')), null);
  const w = new PipeliningWatch(64);
  assert.equal(w.read(Buffer.from('EHLO ' + 'x'.repeat(100) + '\r\n')), null);
  assert.equal(w.finished, true);
  assert.equal(w.read(Buffer.from('A\r\nB\r\n')), null);
  // One huge read is scanned only up to the budget.
  const big = new PipeliningWatch(PIPELINING_WATCH_MAX_BYTES);
  assert.equal(big.read(Buffer.from('EHLO x\r\n')), null);
  const t0 = process.hrtime.bigint();
  assert.equal(big.read(Buffer.from('RSET\r\n'.repeat(200_000))), null);
  assert.ok(Number(process.hrtime.bigint() - t0) < 50e6, 'bounded work for a huge read');
  assert.equal(big.finished, true);
  // Megabytes of message content do not use up the budget: the next transaction is still judged.
  const mb = Buffer.alloc(3 * 1024 * 1024, 'a\r\n'); // ends with CRLF
  assert.match(watch('HELO x\r\n', ...polite(), 'MAIL FROM:<a@b>\r\n', 'RCPT TO:<c@d>\r\n', 'DATA\r\n', OK354, mb, mb, '.\r\n', 'MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n') ?? '', /before the reply to MAIL/);
});

test('message content costs one native search per read and is never kept', () => {
  const w = new PipeliningWatch(PIPELINING_WATCH_MAX_BYTES);
  for (const s of ['HELO x\r\n', 'MAIL FROM:<a@b>\r\n', 'RCPT TO:<c@d>\r\n', 'DATA\r\n']) assert.equal(w.read(Buffer.from(s)), null);
  assert.equal(w.dataAccepted(), null);
  const chunk = Buffer.alloc(16 * 1024 * 1024, 'x\r\n..\r\n');
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < 8; i++) assert.equal(w.read(chunk), null);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  assert.ok(ms < 2000, `128 MiB of content took ${ms} ms`);
  // What it keeps of the content is the last 4 bytes, in its own small buffer (not a view of the read).
  const tail = (w as unknown as { tail: Buffer }).tail;
  assert.ok(tail.length <= 4 && tail.buffer !== chunk.buffer && tail.buffer.byteLength < 64 * 1024, `tail ${tail.length} bytes over ${tail.buffer.byteLength}`);
  assert.equal(w.read(Buffer.from('\r\n.\r\n')), null);
  assert.match(w.read(Buffer.from('MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n')) ?? '', /before the reply to MAIL/);
});

test('NUL and 8-bit bytes are escaped in the detail and bounded', () => {
  const v = watch('HELO x\r\n\x00\xff' + 'z'.repeat(500) + '\r\n') ?? '';
  assert.match(v, /\\x00\\xff/);
  assert.ok(v.length < 200, v);
});

test('credentials sent ahead of a reply are quoted withheld', () => {
  const blob = Buffer.from('\0user\0secret').toString('base64');
  const user = Buffer.from('user').toString('base64');
  const plain = watch('HELO x\r\n', `AUTH PLAIN ${blob}\r\nMAIL FROM:<a@b>\r\n`) ?? '';
  assert.equal(plain, '"MAIL FROM:<a@b>\\r\\n" sent before the reply to AUTH (PIPELINING not offered)');
  const login = watch('EHLO x\r\n', `AUTH LOGIN\r\n${user}\r\n`) ?? '';
  assert.equal(login, '"[credentials withheld]\\r\\n" sent before the reply to AUTH (it must end a pipelined group, RFC 2920)');
  const early = watch(`EHLO x\r\nAUTH PLAIN ${blob}\r\n`) ?? '';
  assert.equal(early, '"AUTH PLAIN [credentials withheld]\\r\\n" sent before the reply to EHLO (PIPELINING not offered)');
});

