// Tests of the header pre-filter: exactly the listed fields go, bodies and other headers stay, no fact changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dropHeaders, extractMailFacts, UNPARSED_HEADERS } from '@spamtrap/mail-facts';
import * as M from './messages.js';

const MiB = 1024 * 1024;

test('drops folded Received and DKIM fields, keeps look-alikes, the rest of the block and the body', () => {
  const raw = Buffer.from(
    [
      'Received: from a (a [192.0.2.1])',
      '\tby b; Tue, 1 Nov 2022 10:00:00 +0000',
      'Received-SPF: pass',
      'received : obsolete form',
      'DKIM-Signature: v=1; a=rsa-sha256;',
      ' b=abc',
      'From: x@y.example',
      'X-Received: kept',
      'Subject: s',
      '',
      'Received: in the body stays',
      '',
    ].join('\r\n'),
  );
  const { message, dropped } = dropHeaders(raw, UNPARSED_HEADERS, MiB);
  assert.equal(dropped, 3);
  assert.equal(message.toString(), ['Received-SPF: pass', 'From: x@y.example', 'X-Received: kept', 'Subject: s', '', 'Received: in the body stays', ''].join('\r\n'));
});

test('LF-only messages work; no blank line, or a block over the limit, leaves the message untouched', () => {
  const lf = Buffer.from('Received: x\n y\nSubject: s\n\nbody\n');
  assert.equal(dropHeaders(lf, UNPARSED_HEADERS, MiB).message.toString(), 'Subject: s\n\nbody\n');
  const noBlank = Buffer.from('Received: x\r\nSubject: s\r\n');
  assert.equal(dropHeaders(noBlank, UNPARSED_HEADERS, MiB).message, noBlank);
  const big = Buffer.from('Received: x\r\nSubject: s\r\n\r\nbody');
  assert.equal(dropHeaders(big, UNPARSED_HEADERS, 10).message, big);
  const nothing = Buffer.from('Subject: s\r\n\r\nbody');
  assert.equal(dropHeaders(nothing, UNPARSED_HEADERS, MiB).message, nothing);
});

test('facts are identical with and without the pre-filter (header count included)', async () => {
  const withDkim = Buffer.concat([Buffer.from('DKIM-Signature: v=1;\r\n\tb=zzz\r\nAuthentication-Results: mx; spf=pass\r\n'), M.PLAIN]);
  for (const m of [M.PLAIN, withDkim, M.ALTERNATIVE, M.ATTACHMENTS, M.DSN, M.UNTERMINATED, M.NUL_BYTES, M.junk(5000), M.NO_HEADERS, M.EIGHT_BIT]) {
    assert.deepEqual(await extractMailFacts(m), await extractMailFacts(m, { prefilter: false }));
  }
});
