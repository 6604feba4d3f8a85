// Hand-written test messages (ours, CRLF) for the mail-facts and parser tests.

export const crlf = (lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'utf8');

export const PLAIN = crlf([
  'Received: from mail.sender.example (mail.sender.example [198.51.100.7]) by mx1.trap.example (Postfix) with ESMTP id 4AB; Tue, 1 Nov 2022 10:00:05 +0100',
  'From: "Offers" <Deals@Sender.Example>',
  'Reply-To: claims@Other.Example.ORG',
  'To: trap1@trap.example',
  'Subject: You won',
  'Date: Tue, 1 Nov 2022 10:00:00 +0100',
  'Message-ID: <1234.5678@Mailer.Sender.Example>',
  'X-Mailer: PHPMailer 6.1',
  'X-PHP-Originating-Script: 1000:wp-mail.php',
  'Content-Type: text/plain; charset=us-ascii',
  '',
  'Claim now at http://claim.example.com/win?id=1. Or visit www.prize.co.uk!',
  '',
]);

export const ALTERNATIVE = crlf([
  'From: a@b.example',
  'To: trap2@trap.example',
  'Subject: alt',
  'Content-Type: multipart/alternative; boundary="ALT"',
  '',
  '--ALT',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Visit https://shop.example.net/p?q=3D1',
  '--ALT',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<p><a href="https://shop.example.net/p?q=1">x</a> <a href=\'http://track.example.org/t?u=1&amp;v=2\'>t</a>',
  '<img src="//img.example.com/pixel.gif"><a href="mailto:x@y.example">m</a><a href="cid:abc">c</a>',
  '<a href=&#104;ttp://obf.example.info/>o</a> text http://203.0.113.9/x</p>',
  '--ALT--',
  '',
]);

export const PDF_BYTES = Buffer.from('%PDF-1.4\n% test attachment bytes\n');

export const ATTACHMENTS = crlf([
  'From: a@b.example',
  'Subject: invoice',
  'Content-Type: multipart/mixed; boundary="MIX"',
  '',
  '--MIX',
  'Content-Type: text/plain',
  '',
  'see attached',
  '--MIX',
  'Content-Type: application/pdf; name="invoice.pdf"',
  'Content-Disposition: attachment; filename="invoice.pdf"',
  'Content-Transfer-Encoding: base64',
  '',
  PDF_BYTES.toString('base64'),
  '--MIX',
  'Content-Type: application/zip',
  'Content-Disposition: attachment; filename="=?UTF-8?B?UmVjaG51bmdfw6TDtsO8LnppcA==?="',
  'Content-Transfer-Encoding: base64',
  '',
  Buffer.from('PK\x03\x04zip').toString('base64'),
  '--MIX--',
  '',
]);

export const ENCODED_SUBJECT = crlf([
  'From: =?ISO-8859-1?Q?J=F6rg?= <joerg@xn--bcher-kva.example>',
  'Subject: =?UTF-8?B?R3LDvMOfZQ==?= =?ISO-8859-1?Q?_aus_K=F6ln?=',
  '',
  'body',
  '',
]);

export const EIGHT_BIT = crlf([
  'From: Jörg <jörg@bücher.example>',
  'Subject: Grüße aus Köln',
  '',
  'body',
  '',
]);

export const DSN = crlf([
  'From: MAILER-DAEMON@mx.example',
  'Subject: Undelivered Mail Returned to Sender',
  'Auto-Submitted: Auto-Replied',
  'Precedence: Bulk',
  'Content-Type: multipart/report; report-type=delivery-status; boundary="R"',
  '',
  '--R',
  'Content-Type: text/plain',
  '',
  'failed',
  '--R',
  'Content-Type: message/delivery-status',
  '',
  'Reporting-MTA: dns; mx.example',
  '--R--',
  '',
]);

/** A multipart whose closing boundary never comes and whose base64 is broken. */
export const UNTERMINATED = crlf([
  'From: a@b.example',
  'Subject: broken',
  'Content-Type: multipart/mixed; boundary="B"',
  '',
  '--B',
  'Content-Type: text/plain',
  '',
  'hello http://still.example.com/ok',
  '--B',
  'Content-Type: application/octet-stream; name="x.bin"',
  'Content-Transfer-Encoding: base64',
  '',
  'QUJD!!!!#####RE*===',
  '',
]);

export const NUL_BYTES = Buffer.concat([
  Buffer.from('From: a@b.example\r\nSubject: nul\x00here\r\n\r\nbody\x00with\x00nuls http://nul.example.com/\r\n'),
]);

/** Deterministic binary junk (no header structure at all). */
export function junk(n: number): Buffer {
  const b = Buffer.alloc(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    b[i] = s >>> 24;
  }
  return b;
}

/** A message whose header block is `bytes` long (one huge folded header). */
export function hugeHeader(bytes: number): Buffer {
  const lines = ['From: big@huge.example', 'Subject: huge header'];
  let size = 0;
  while (size < bytes) {
    const l = `X-Filler-${lines.length}: ${'a'.repeat(900)}`;
    lines.push(l);
    size += l.length + 2;
  }
  return crlf([...lines, '', 'body', '']);
}

export function manyHeaders(n: number): Buffer {
  const lines = ['From: many@headers.example', 'Subject: many'];
  for (let i = 0; i < n; i++) lines.push(`X-H${i}: v${i}`);
  return crlf([...lines, '', 'body', '']);
}

export const EMPTY_BODY = crlf(['From: a@b.example', 'Subject: empty body', '', '']);

export const NO_HEADERS = Buffer.from('\r\njust a body with http://nohdr.example.com/\r\n');
