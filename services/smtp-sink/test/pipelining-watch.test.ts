// The pipelining watch: what counts as sending ahead of our replies, read by read, and what is RFC 2920 pipelining.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PipeliningWatch } from '../src/pipelining-watch.js';
import { PIPELINING_WATCH_MAX_BYTES } from '../src/limits.js';

/** Feed reads in order; the first violation reported, or null. */
function watch(...reads: string[]): string | null {
  const w = new PipeliningWatch(PIPELINING_WATCH_MAX_BYTES);
  for (const r of reads) {
    const v = w.read(Buffer.from(r, 'latin1'));
    if (v !== null) return v;
  }
  return null;
}

test('a client that waits for every reply is never flagged (HELO or EHLO, CRLF or bare LF)', () => {
  assert.equal(watch('HELO x\r\n', 'MAIL FROM:<a@b>\r\n', 'RCPT TO:<c@d>\r\n', 'DATA\r\n', 'Subject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n'), null);
  assert.equal(watch('EHLO x\n', 'MAIL FROM:<a@b>\n', 'RCPT TO:<c@d>\n', 'DATA\n'), null);
  // A line split over reads is one line.
  assert.equal(watch('HE', 'LO x', '\r', '\n', 'MAIL FROM:<a@b>\r\n'), null);
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
  assert.equal(watch('EHLO x\r\n', 'MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nRCPT TO:<e@f>\r\nDATA\r\n', 'body\r\n.\r\nQUIT\r\n'), null);
  assert.equal(watch('EHLO x\r\n', 'RSET\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n'), null);
});

test('message content in the same read as DATA is flagged, with or without EHLO', () => {
  assert.match(watch('EHLO x\r\n', 'MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\nSubject: hi\r\n') ?? '', /message content in the same read as DATA, before the 354 reply: Subject: hi/);
  assert.match(watch('HELO x\r\n', 'MAIL FROM:<a@b>\r\n', 'RCPT TO:<c@d>\r\n', 'DATA\r\nx') ?? '', /same read as DATA/);
});

test('after EHLO, commands that must end a group are flagged when something follows them', () => {
  assert.match(watch('EHLO x\r\n', 'NOOP\r\nMAIL FROM:<a@b>\r\n') ?? '', /reply to NOOP \(it must end a pipelined group/);
  assert.match(watch('EHLO x\r\n', 'EHLO y\r\nMAIL FROM:<a@b>\r\n') ?? '', /reply to EHLO/);
  // HELO after EHLO withdraws the extension.
  assert.match(watch('EHLO x\r\n', 'HELO y\r\n', 'MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n') ?? '', /PIPELINING not offered/);
});

test('the watch stops at DATA, STARTTLS, the first violation and its byte budget', () => {
  // After DATA everything is content: a body full of "commands" is not dialogue.
  assert.equal(watch('HELO x\r\n', 'MAIL FROM:<a@b>\r\n', 'RCPT TO:<c@d>\r\n', 'DATA\r\n', 'a\r\nb\r\nc\r\n'), null);
  // After STARTTLS the bytes are a TLS handshake.
  assert.equal(watch('EHLO x\r\n', 'STARTTLS\r\n', '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\n\n\n'), null);
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
});

test('NUL and 8-bit bytes are escaped in the detail and bounded', () => {
  const v = watch('HELO x\r\n\x00\xff' + 'z'.repeat(500) + '\r\n') ?? '';
  assert.match(v, /\\x00\\xff/);
  assert.ok(v.length < 200, v);
});
