// The split engine against the reference (simpleParser): identical facts and issues on every message we have.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractMailFacts } from '@spamtrap/mail-facts';
import * as M from './messages.js';
import { makeMessages } from '../../../bench/parser/corpus.js';

const cases: [string, Buffer][] = [
  ['plain', M.PLAIN],
  ['alternative', M.ALTERNATIVE],
  ['attachments', M.ATTACHMENTS],
  ['encoded', M.ENCODED_SUBJECT],
  ['8bit', M.EIGHT_BIT],
  ['dsn', M.DSN],
  ['unterminated', M.UNTERMINATED],
  ['nul', M.NUL_BYTES],
  ['empty body', M.EMPTY_BODY],
  ['no headers', M.NO_HEADERS],
  ['10k headers', M.manyHeaders(10_000)],
  ['1.5 MiB header', M.hugeHeader(1.5 * 1024 * 1024)],
  ['latin1 body', M.crlf(['Subject: l1', 'Content-Type: text/html; charset=iso-8859-1', 'Content-Transfer-Encoding: quoted-printable', '', '<a href=3D"http://caf=E9.example.com/x">caf=E9</a>', ''])],
  ['format=flowed link', M.crlf(['Subject: f', 'Content-Type: text/plain; charset=us-ascii; format=flowed; delsp=yes', '', 'see http://flowed.example.com/a/very/long/path?with= ', 'query=1 for details', ''])],
  ['unknown charset', M.crlf(['Subject: u', 'Content-Type: text/plain; charset=x-no-such-charset', '', 'http://cs.example.com/', ''])],
  ['octet-stream with name', M.crlf(['Content-Type: multipart/mixed; boundary=X', '', '--X', 'Content-Type: application/octet-stream; name="doc.pdf"', 'Content-Transfer-Encoding: base64', '', 'JVBERi0=', '--X--', ''])],
  ['inline rfc822', M.crlf(['Content-Type: multipart/mixed; boundary=X', '', '--X', 'Content-Type: message/rfc822', 'Content-Disposition: inline', '', 'Subject: inner', 'Content-Type: text/plain', '', 'inner http://inner.example.com/', '--X', 'Content-Type: message/rfc822', '', 'Subject: attached', '', 'attached http://attached.example.com/', '--X--', ''])],
  ['two To headers, repeated From', M.crlf(['From: a@one.example', 'From: b@two.example', 'To: x@t.example', 'To: y@t.example, G: z@t.example;', 'X-Mailer: m1', 'X-Mailer: m2', 'X-Originating-IP: [192.0.2.1]', 'X-Originating-IP: [192.0.2.2]', '', 'b'])],
  ['disposition oddities', M.crlf(['Content-Type: multipart/mixed; boundary=X', '', '--X', 'Content-Type: text/plain', 'Content-Disposition: weird', '', 'text as attachment', '--X', 'Content-Type: text/html', 'Content-Disposition: attachment; filename="page.html"', '', '<a href="http://att.example.com/">x</a>', '--X', 'Content-Type: image/gif', 'Content-Disposition: inline', '', 'GIF89a', '--X--', ''])],
];

for (let i = 0; i < 6; i++) cases.push([`junk ${i}`, M.junk(500 + i * 7919)]);
makeMessages('2k', 20).forEach((m, i) => cases.push([`corpus 2k ${i}`, m]));
makeMessages('20k', 10).forEach((m, i) => cases.push([`corpus 20k ${i}`, m]));

test('split engine facts equal simpleParser facts', async () => {
  for (const [name, raw] of cases) {
    const split = await extractMailFacts(raw);
    const ref = await extractMailFacts(raw, { engine: 'mailparser' });
    assert.deepEqual(split, ref, name);
  }
});

test('limits hold the same way in both engines', async () => {
  const parts = Array.from({ length: 6 }, (_, i) => ['--M', `Content-Type: application/zip; name="a${i}.zip"`, '', `PK${i}`]).flat();
  const msg = M.crlf(['Content-Type: multipart/mixed; boundary="M"', '', ...parts, '--M--', '']);
  const limits = { maxAttachments: 2 };
  const split = await extractMailFacts(msg, { limits });
  assert.equal(split.facts?.attachments.length, 2);
  assert.deepEqual(split, await extractMailFacts(msg, { limits, engine: 'mailparser' }));
});
