// Adversarial input: forged HELO text, huge headers, unbalanced parentheses, NUL and non-UTF-8 bytes, junk.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractHeaders, normaliseIp, parseReceived } from '../src/index.js';

describe('hostile Received values', () => {
  it('a HELO shaped like TCP-info does not supply the IP', () => {
    const h = parseReceived('from x([6.6.6.6]) (rdns.example [192.0.2.1]) by mx.example.net (Postfix) with ESMTP id A; Tue, 14 Feb 2023 12:59:45 +0000');
    assert.equal(h.fromIp, '192.0.2.1');
    // qmail turns unsafe HELO characters into "?", so its "(HELO x) (ip)" cannot be faked from the HELO;
    // spamware's look-alike "(HELLO x) (ip)" after a from literal is not TCP-info: the literal wins.
    const q = parseReceived('from [192.0.2.2] (HELLO 203.0.113.8) (203.0.113.8) by user@example.com with gg login; Tue, 03 Jul 2018 09:01:47 -0300');
    assert.equal(q.fromIp, '192.0.2.2');
    assert.equal(q.by, null, 'a by that is an e-mail address is not a host');
  });
  it('an unbalanced "(" in the HELO cannot swallow the header', () => {
    const h = parseReceived('from (authenticated (unknown [192.0.2.3]) by mx.example.net (Postfix) with ESMTP id A; Tue, 14 Feb 2023 12:59:45 +0000');
    assert.equal(h.fromIp, '192.0.2.3');
    assert.equal(h.by, 'mx.example.net');
    assert.equal(h.auth, false, 'auth text inside the HELO is not an auth marker');
  });
  it('unbalanced and deeply nested parentheses parse without throwing', () => {
    for (const s of ['((((((((((', '))))))))', 'from a (b [192.0.2.4] by c', `from a ${'('.repeat(5000)} by b`, `from a (${'('.repeat(100)}x${')'.repeat(100)}) by b`]) {
      const h = parseReceived(s);
      assert.ok(['relay', 'ignored', 'unparsed'].includes(h.kind));
    }
  });
  it('a 1 MB header is bounded and flagged', () => {
    const big = 'from a.example (a.example [192.0.2.5]) by mx.example.net (Postfix) with ESMTP id A ' + 'x'.repeat(1_000_000) + '; Tue, 14 Feb 2023 12:59:45 +0000';
    const h = parseReceived(big);
    assert.equal(h.fromIp, '192.0.2.5');
    assert.ok(h.flags?.includes('value-truncated'));
    assert.ok((h.by ?? '').length <= 255);
  });
  it('NUL bytes and control characters are dropped (rspamd behaviour); line breaks and tabs are spaces', () => {
    const h = parseReceived('from a.exa\0mple (a.example [192.0\0.2.6])\r\n\tby mx.exa\x01mple.net\x7f (Postfix) with ESMTP id A; Tue, 14 Feb 2023 12:59:45 +0000');
    assert.equal(h.fromIp, '192.0.2.6');
    assert.equal(h.fromHelo, 'a.example');
    assert.equal(h.by, 'mx.example.net');
  });
  it('empty brackets and junk literals give no IP', () => {
    assert.equal(parseReceived('from <unknown> (<unknown> []) by x with HTTP id 1; Thu, 18 Jan 2024 01:57:33 GMT').fromIp, null);
    assert.equal(parseReceived('from a (b [999.1.1.1]) by c').fromIp, null);
    assert.equal(parseReceived('from a (b [1.2.3.4.5.6]) by c').fromIp, null);
  });
  it('non-string input never throws', () => {
    assert.equal(parseReceived(undefined as unknown as string).kind, 'unparsed');
  });
});

describe('IP normalisation', () => {
  const table: Array<[string, string | null]> = [
    ['[192.0.2.1]', '192.0.2.1'], ['[192.0.2.1]:25', '192.0.2.1'], ['192.0.2.1.2525', '192.0.2.1'], ['192.0.2.1:25', '192.0.2.1'],
    ['[IPv6:2001:DB8::1]', '2001:db8::1'], ['fe80::1%eth0', 'fe80::1'], ['[fe80::1%9]]', 'fe80::1'], ['::ffff:192.0.2.9', '192.0.2.9'],
    ['[IPv6:::ffff:c000:20a]', '192.0.2.10'], ['2001:db8:0:0:0:0:2:1', '2001:db8::2:1'], ['2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'],
    ['01.2.3.4', '1.2.3.4'], ['256.1.1.1', null], ['1.2.3', null], ['', null], ['[]', null], ['::1::2', null], ['abc', null],
  ];
  for (const [input, out] of table) it(`${input} -> ${out}`, () => assert.equal(normaliseIp(input), out));
});

describe('extractHeaders', () => {
  it('handles CRLF, LF and mixed line ends, folding and the end of headers', () => {
    const raw = Buffer.from('Received: from a (a [192.0.2.1])\r\n\tby b; Tue, 14 Feb 2023 12:59:45 +0000\r\nSubject: x\nreceived : from c (c [192.0.2.2])\n  by d\r\n\r\nReceived: in body\n');
    const h = extractHeaders(raw);
    assert.deepEqual(h.received, ['from a (a [192.0.2.1]) by b; Tue, 14 Feb 2023 12:59:45 +0000', 'from c (c [192.0.2.2]) by d']);
    assert.equal(h.fieldCount, 3);
  });
  it('decodes valid UTF-8 and falls back to latin1 for other 8-bit bytes', () => {
    const utf = extractHeaders(Buffer.from('Received: from héllo (x [192.0.2.1]) by y\n\n'));
    assert.equal(utf.received[0], 'from héllo (x [192.0.2.1]) by y');
    const latin = extractHeaders(Buffer.concat([Buffer.from('Received: from h'), Buffer.from([0xe9, 0xff]), Buffer.from(' (x [192.0.2.1]) by y\n\n')]));
    assert.equal(latin.received[0], 'from h\u00e9\u00ff (x [192.0.2.1]) by y');
  });
  it('skips an mbox From line and caps the count', () => {
    const lines = Array.from({ length: 300 }, (_, i) => `Received: from h${i} (h [192.0.2.1]) by y`).join('\n');
    const h = extractHeaders(Buffer.from(`From someone Mon Jan 1 00:00:00 2001\n${lines}\n\nbody`));
    assert.equal(h.received.length, 256);
    assert.equal(h.truncated, 44);
  });
  it('cuts a header block over the byte cap and says so', () => {
    const h = extractHeaders(Buffer.from('Received: from a (a [192.0.2.1]) by b\nX-Junk: ' + 'y'.repeat(1_100_000) + '\n\nbody'));
    assert.equal(h.headerCut, true);
    assert.equal(h.received.length, 1);
  });
  it('binary junk yields no Received headers and does not throw', () => {
    const junk = Buffer.alloc(4096);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919) & 0xff;
    const h = extractHeaders(junk);
    assert.equal(h.received.length, 0);
  });
});
