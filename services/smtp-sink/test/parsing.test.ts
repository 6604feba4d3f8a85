// Pure helpers of the sink: HTTP line detection, byte escaping, line splitting, PROXY v1 headers, bare LF.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectHttp, escapeBytes, splitLines } from '../src/http-detect.js';
import { normalizeIp, parseProxyV1 } from '../src/proxy-header.js';
import { hasBareLf } from '../src/transaction.js';

test('HTTP request lines and CONNECT are recognised, SMTP is not', () => {
  assert.deepEqual(detectHttp('GET / HTTP/1.1'), { code: 'HTTP_REQUEST', method: 'GET', target: '/' });
  assert.equal(detectHttp('CONNECT 1.2.3.4:25 HTTP/1.0')?.code, 'PROXY_CONNECT');
  assert.equal(detectHttp('post http://x.example/ HTTP/1.0')?.code, 'HTTP_REQUEST');
  for (const m of ['HEAD', 'PUT', 'OPTIONS']) assert.equal(detectHttp(`${m} / HTTP/1.1`)?.code, 'HTTP_REQUEST');
  for (const l of ['EHLO x', 'MAIL FROM:<a@b>', 'GET /', 'GETS / HTTP/1.1', '']) assert.equal(detectHttp(l), null, l);
});

test('escapeBytes renders control, 8-bit and NUL bytes and bounds the length', () => {
  assert.equal(escapeBytes(Buffer.from('A\r\n\t\\\0\xff', 'latin1'), 100), 'A\\r\\n\\t\\\\\\x00\\xff');
  const long = escapeBytes(Buffer.alloc(1000, 0), 20);
  assert.ok(long.length <= 21, long);
  assert.ok(long.endsWith('…'));
});

test('splitLines handles CRLF, bare LF, a partial last line and the cap', () => {
  assert.deepEqual(splitLines(Buffer.from('a\r\nb\nc'), 10).map(String), ['a', 'b', 'c']);
  assert.deepEqual(splitLines(Buffer.from('a\nb\nc\n'), 2).map(String), ['a', 'b']);
});

test('PROXY v1 headers parse; junk does not', () => {
  assert.deepEqual(parseProxyV1('PROXY TCP4 192.0.2.7 198.51.100.1 40000 25'), { kind: 'tcp', srcIp: '192.0.2.7', dstIp: '198.51.100.1', srcPort: 40000, dstPort: 25 });
  assert.equal(parseProxyV1('PROXY TCP6 2001:db8::1 2001:db8::2 1 25')?.kind, 'tcp');
  assert.deepEqual(parseProxyV1('PROXY UNKNOWN'), { kind: 'unknown' });
  for (const bad of ['PROXY TCP4 1.2.3 4.5.6.7 1 2', 'PROXY TCP4 192.0.2.7 198.51.100.1 70000 25', 'PROXY TCP6 192.0.2.7 198.51.100.1 1 2', 'EHLO x', 'PROXY TCP4 192.0.2.7 198.51.100.1 1']) {
    assert.equal(parseProxyV1(bad), null, bad);
  }
  assert.equal(normalizeIp('::ffff:192.0.2.1'), '192.0.2.1');
  assert.equal(normalizeIp('2001:DB8::1'), '2001:db8::1');
});

test('bare LF detection', () => {
  assert.equal(hasBareLf(Buffer.from('a\r\nb\r\n')), false);
  assert.equal(hasBareLf(Buffer.from('a\r\nb\nc\r\n')), true);
  assert.equal(hasBareLf(Buffer.from('\n')), true);
});
