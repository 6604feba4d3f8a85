// Unit tests of extractMailFacts on hand-written messages: facts, bounds and malformed MIME.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { extractMailFacts, MAIL_ISSUES } from '@spamtrap/mail-facts';
import * as M from './messages.js';

const codes = (issues: { code: string }[]): string[] => issues.map((i) => i.code);

test('plain message: addresses, domains, subject, ids, date, mailer, URLs', async () => {
  const { facts, issues } = await extractMailFacts(M.PLAIN);
  assert.deepEqual(issues, []);
  assert.ok(facts);
  assert.deepEqual(facts.from, ['deals@sender.example']);
  assert.deepEqual(facts.fromDomains, ['sender.example']);
  assert.deepEqual(facts.replyTo, ['claims@other.example.org']);
  assert.deepEqual(facts.replyToDomains, ['other.example.org']);
  assert.deepEqual(facts.to, ['trap1@trap.example']);
  assert.equal(facts.subject, 'You won');
  assert.equal(facts.messageId, '1234.5678@Mailer.Sender.Example');
  assert.equal(facts.messageIdDomain, 'mailer.sender.example');
  assert.equal(facts.date, '2022-11-01T09:00:00.000Z');
  assert.equal(facts.xMailer, 'PHPMailer 6.1');
  assert.equal(facts.contentType, 'text/plain');
  assert.deepEqual(facts.urls, ['http://claim.example.com/win?id=1', 'http://www.prize.co.uk/']);
  assert.deepEqual(facts.urlDomains, ['example.com', 'prize.co.uk']);
  assert.equal(facts.extraHeaders['x-php-originating-script'], '1000:wp-mail.php');
  assert.equal(facts.headerCount, 10);
  assert.deepEqual(facts.autoReply, { dsn: false, autoSubmitted: null, precedence: null });
});

test('multipart/alternative: URLs from text and HTML attributes, entities decoded, de-duplicated', async () => {
  const { facts, issues } = await extractMailFacts(M.ALTERNATIVE);
  assert.deepEqual(issues, []);
  assert.ok(facts);
  assert.deepEqual(facts.urls, [
    'https://shop.example.net/p?q=1',
    'http://track.example.org/t?u=1&v=2',
    'http://img.example.com/pixel.gif',
    'http://obf.example.info/',
    'http://203.0.113.9/x',
  ]);
  assert.deepEqual(facts.urlDomains, ['example.net', 'example.org', 'example.com', 'example.info', '203.0.113.9']);
  assert.equal(facts.contentType, 'multipart/alternative');
});

test('attachments: names (encoded), types, sizes and sha256 of the decoded content', async () => {
  const { facts, issues } = await extractMailFacts(M.ATTACHMENTS);
  assert.deepEqual(issues, []);
  assert.ok(facts);
  assert.equal(facts.attachments.length, 2);
  assert.deepEqual(facts.attachments[0], {
    filename: 'invoice.pdf',
    contentType: 'application/pdf',
    size: M.PDF_BYTES.length,
    sha256: createHash('sha256').update(M.PDF_BYTES).digest('hex'),
  });
  assert.equal(facts.attachments[1]!.filename, 'Rechnung_äöü.zip');
  assert.equal(facts.attachments[1]!.sha256, createHash('sha256').update(Buffer.from('PK\x03\x04zip', 'latin1')).digest('hex'));
});

test('encoded-word and raw 8-bit UTF-8 headers decode; IDN domains become punycode', async () => {
  const enc = await extractMailFacts(M.ENCODED_SUBJECT);
  assert.equal(enc.facts?.subject, 'Grüße aus Köln');
  assert.deepEqual(enc.facts?.fromDomains, ['xn--bcher-kva.example']);
  const raw8 = await extractMailFacts(M.EIGHT_BIT);
  assert.equal(raw8.facts?.subject, 'Grüße aus Köln');
  assert.deepEqual(raw8.facts?.from, ['jörg@xn--bcher-kva.example']);
  assert.deepEqual(raw8.facts?.fromDomains, ['xn--bcher-kva.example']);
});

test('invalid 8-bit header bytes are reported as HEADER_DECODE_ERROR, not thrown', async () => {
  const msg = Buffer.concat([Buffer.from('Subject: bad '), Buffer.from([0xff, 0xfe, 0x41]), Buffer.from('\r\n\r\nbody\r\n')]);
  const { facts, issues } = await extractMailFacts(msg);
  assert.ok(facts);
  assert.ok(codes(issues).includes(MAIL_ISSUES.HEADER_DECODE_ERROR));
});

test('DSN and auto-reply markers', async () => {
  const { facts } = await extractMailFacts(M.DSN);
  assert.deepEqual(facts?.autoReply, { dsn: true, autoSubmitted: 'auto-replied', precedence: 'bulk' });
});

test('invalid Date: is null with DATE_INVALID (never the clock)', async () => {
  const { facts, issues } = await extractMailFacts(M.crlf(['Subject: d', 'Date: not a date at all', '', 'x']));
  assert.equal(facts?.date, null);
  assert.ok(codes(issues).includes(MAIL_ISSUES.DATE_INVALID));
});

test('unterminated boundary and broken base64: partial facts, text URLs still found', async () => {
  const { facts } = await extractMailFacts(M.UNTERMINATED);
  assert.ok(facts);
  assert.equal(facts.subject, 'broken');
  assert.deepEqual(facts.urls, ['http://still.example.com/ok']);
  assert.equal(facts.attachments.length, 1);
});

test('NUL bytes in headers and body do not throw', async () => {
  const { facts } = await extractMailFacts(M.NUL_BYTES);
  assert.ok(facts);
  assert.deepEqual(facts.from, ['a@b.example']);
  assert.deepEqual(facts.urls, ['http://nul.example.com/']);
});

test('binary junk yields facts or null with a reason, never an exception', async () => {
  for (const n of [1, 17, 4096, 100_000]) {
    const r = await extractMailFacts(M.junk(n));
    assert.ok(r.facts !== null || r.issues.length > 0);
  }
});

test('a header block over 1 MiB falls back to the first 1 MiB of headers', async () => {
  const { facts, issues } = await extractMailFacts(M.hugeHeader(1.5 * 1024 * 1024));
  assert.ok(facts);
  assert.equal(facts.subject, 'huge header');
  assert.deepEqual(facts.from, ['big@huge.example']);
  assert.deepEqual(codes(issues).slice(0, 2), [MAIL_ISSUES.MIME_PARSE_FAILED, MAIL_ISSUES.HEADERS_TRUNCATED]);
});

test('10,000 headers are counted; extraHeaders stay bounded to the allow-list', async () => {
  const { facts } = await extractMailFacts(M.manyHeaders(10_000));
  assert.equal(facts?.headerCount, 10_002);
  assert.deepEqual(facts?.extraHeaders, {});
});

test('empty body, no headers, empty message', async () => {
  const eb = await extractMailFacts(M.EMPTY_BODY);
  assert.equal(eb.facts?.subject, 'empty body');
  assert.deepEqual(eb.facts?.urls, []);
  const nh = await extractMailFacts(M.NO_HEADERS);
  assert.ok(nh.facts);
  assert.equal(nh.facts.subject, null);
  assert.deepEqual(nh.facts.urls, ['http://nohdr.example.com/']);
  const empty = await extractMailFacts(Buffer.alloc(0));
  assert.equal(empty.facts, null);
  assert.deepEqual(codes(empty.issues), [MAIL_ISSUES.EMPTY_MESSAGE]);
});

test('URL, address, attachment and field limits are enforced and reported', async () => {
  const links = Array.from({ length: 50 }, (_, i) => `http://l${i}.example.com/${'p'.repeat(i === 0 ? 300 : 1)}`).join(' ');
  const rcpts = Array.from({ length: 20 }, (_, i) => `r${i}@x.example`).join(', ');
  const parts = Array.from({ length: 5 }, (_, i) => ['--M', `Content-Type: application/octet-stream; name="a${i}.bin"`, 'Content-Disposition: attachment', '', 'QUJD']).flat();
  const msg = M.crlf(['To: ' + rcpts, 'Subject: ' + 's'.repeat(200), 'Content-Type: multipart/mixed; boundary="M"', '', '--M', 'Content-Type: text/plain', '', links, ...parts, '--M--', '']);
  const { facts, issues } = await extractMailFacts(msg, { limits: { maxUrls: 10, maxUrlChars: 100, maxAddresses: 5, maxAttachments: 3, maxFieldChars: 50 } });
  assert.ok(facts);
  assert.equal(facts.urls.length, 10);
  assert.ok(facts.urls.every((u) => u.length <= 100));
  assert.equal(facts.to.length, 5);
  assert.equal(facts.attachments.length, 3);
  assert.equal(facts.subject?.length, 50);
  for (const c of [MAIL_ISSUES.URL_LIMIT_REACHED, MAIL_ISSUES.URL_TOO_LONG, MAIL_ISSUES.ADDRESS_LIMIT_REACHED, MAIL_ISSUES.ATTACHMENT_LIMIT_REACHED, MAIL_ISSUES.FIELD_TRUNCATED]) {
    assert.ok(codes(issues).includes(c), c);
  }
});

test('same input, same output (no clock, no randomness)', async () => {
  for (const m of [M.PLAIN, M.ALTERNATIVE, M.ATTACHMENTS, M.UNTERMINATED, M.junk(3000)]) {
    assert.equal(JSON.stringify(await extractMailFacts(m)), JSON.stringify(await extractMailFacts(m)));
  }
});

test('format=flowed: a link wrapped over two lines is found whole', async () => {
  const msg = M.crlf(['Subject: f', 'Content-Type: text/plain; charset=us-ascii; format=flowed; delsp=yes', '', 'see http://flowed.example.com/x.asp?Page= ', 'Foreign', '']);
  const { facts } = await extractMailFacts(msg);
  assert.deepEqual(facts?.urls, ['http://flowed.example.com/x.asp?Page=Foreign']);
});
