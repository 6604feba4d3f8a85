// The HTTP preamble consumer: first-line routing, incremental consumption, limits, hostile input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpPreamble, firstLineKind, preambleReply, type PreambleStep } from '../src/http-preamble.js';
import { HTTP_PREAMBLE_MAX_BYTES, HTTP_PREAMBLE_MAX_LINES } from '../src/limits.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');
const kind = (s: string): string => firstLineKind(b(s), HTTP_PREAMBLE_MAX_BYTES);
const fresh = (): HttpPreamble => new HttpPreamble(HTTP_PREAMBLE_MAX_BYTES, HTTP_PREAMBLE_MAX_LINES);

test('first line: POST/PUT request lines start a preamble, other verbs and SMTP do not, prefixes wait', () => {
  for (const s of ['POST http://trap-mx:25/ HTTP/1.0\r\n', 'put / HTTP/1.1\n', 'POST / HTTP/1.1\r\nHost: x\r\n']) assert.equal(kind(s), 'preamble', s);
  for (const s of ['', 'P', 'po', 'PU', 'POST', 'POST ', 'PUT /x HTTP/1.', 'POST http://x/ HTTP/1.0\r']) assert.equal(kind(s), 'wait', JSON.stringify(s));
  for (const s of ['EHLO x\r\n', 'GET / HTTP/1.1\r\n', 'HEAD / HTTP/1.0\r\n', 'CONNECT 1.2.3.4:25 HTTP/1.0\r\n', 'PROXY TCP4 1 2 3 4\r\n', 'POSTMASTER\r\n', 'POST /\r\n', 'PUTS / HTTP/1.1\r\n', '\x00POST / HTTP/1.0\r\n', 'QUIT\r\n']) {
    assert.equal(kind(s), 'smtp', JSON.stringify(s));
  }
  // A request line that never ends is not waited for beyond the preamble limit.
  assert.equal(kind('POST /' + 'a'.repeat(HTTP_PREAMBLE_MAX_BYTES)), 'smtp');
});

test('consumes request line, headers and the blank line; the rest is handed on byte for byte', () => {
  const p = fresh();
  const smtp = 'HELO spam.example\r\nMAIL FROM:<a@b>\r\n';
  const s = p.push(b(`POST http://trap-mx:25/ HTTP/1.0\r\nHost: trap-mx:25\r\nContent-Length: 500\r\nProxy-Connection: keep-alive\r\n\r\n${smtp}`));
  assert.equal(s.kind, 'done');
  if (s.kind !== 'done') return;
  assert.deepEqual(s.lines.map((l) => l.toString('latin1')), ['POST http://trap-mx:25/ HTTP/1.0\r\n', 'Host: trap-mx:25\r\n', 'Content-Length: 500\r\n', 'Proxy-Connection: keep-alive\r\n', '\r\n']);
  assert.equal(s.rest.toString('latin1'), smtp);
  assert.equal(p.summary(), 'POST target=http://trap-mx:25/ headers=Host,Content-Length,Proxy-Connection lines=5 bytes=105');
  assert.deepEqual(s.lines.map(preambleReply), [...Array<string>(4).fill('502 5.5.2 Error: command not recognized'), '500 5.5.2 Error: bad syntax']);
  assert.throws(() => p.push(b('x')));
});

test('bare LF and CRLF both end lines; a bare CR does not', () => {
  const p = fresh();
  const s = p.push(b('PUT / HTTP/1.1\nHost: x\r\nX-A: 1\rX-B: 2\n\nEHLO x\r\n'));
  assert.equal(s.kind, 'done');
  if (s.kind !== 'done') return;
  assert.equal(s.lines.length, 4);
  assert.equal(s.rest.toString(), 'EHLO x\r\n');
  assert.match(p.summary(), /headers=Host,X-A lines=4 /);
});

test('a preamble split into one-byte reads gives the same lines and rest', () => {
  const whole = b('POST http://trap-mx:25/ HTTP/1.0\r\nHost: trap\r\nUser-Agent: \x00\xff\r\n\r\nHELO x\r\n');
  const p = fresh();
  const lines: string[] = [];
  let last: PreambleStep | null = null;
  for (let i = 0; i < whole.length; i++) {
    last = p.push(whole.subarray(i, i + 1));
    lines.push(...last.lines.map((l) => l.toString('latin1')));
    if (last.kind !== 'more') break;
  }
  assert.equal(last?.kind, 'done');
  assert.deepEqual(lines, ['POST http://trap-mx:25/ HTTP/1.0\r\n', 'Host: trap\r\n', 'User-Agent: \x00\xff\r\n', '\r\n']);
  // The blank line came in the last pushed byte: nothing of the SMTP part was taken.
  assert.equal(last?.kind === 'done' ? last.rest.length : -1, 0);
  assert.match(p.summary(), /headers=Host,User-Agent lines=4/);
});

test('NUL bytes, 8-bit bytes and junk lines are consumed, escaped in the summary, and name no header', () => {
  const p = fresh();
  const s = p.push(b('POST /\x00\xe9 HTTP/1.0\r\n\x00\x01\x02\r\n continuation\r\nBad Name: x\r\nGood-1: \x00\r\n\r\n'));
  assert.equal(s.kind, 'done');
  const sum = p.summary();
  assert.match(sum, /^POST target=\/\\x00\\xe9 headers=Good-1 lines=6 /);
  assert.ok([...sum].every((ch) => ch >= ' ' && ch <= '~'), sum);
});

test('endless header lines end at the line limit; a giant header at the byte limit; never holding more', () => {
  const p = fresh();
  let s = p.push(b('POST / HTTP/1.0\r\n'));
  let n = 1;
  while (s.kind === 'more' && n < 10_000) {
    s = p.push(b(`X-${n}: y\r\n`));
    n++;
  }
  assert.equal(s.kind, 'over');
  assert.equal(n, HTTP_PREAMBLE_MAX_LINES + 1);
  if (s.kind === 'over') assert.match(s.why, /more than 64 lines/);

  const q = fresh();
  let t = q.push(b('POST / HTTP/1.0\r\nX-Big: '));
  let pushes = 0;
  while (t.kind === 'more' && pushes < 10_000) {
    t = q.push(Buffer.alloc(1000, 0x41)); // no line end ever
    pushes++;
  }
  assert.equal(t.kind, 'over');
  assert.ok(pushes <= Math.ceil(HTTP_PREAMBLE_MAX_BYTES / 1000) + 1, String(pushes));
  if (t.kind === 'over') assert.match(t.why, /more than 8192 bytes/);

  // One read far over the limit with many complete lines: over, and only lines within the limit returned.
  const r = fresh();
  const u = r.push(b('POST / HTTP/1.0\r\n' + ('H: ' + 'v'.repeat(300) + '\r\n').repeat(100)));
  assert.equal(u.kind, 'over');
  assert.ok(u.lines.reduce((a, l) => a + l.length, 0) <= HTTP_PREAMBLE_MAX_BYTES);
});
