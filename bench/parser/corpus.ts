// Deterministic synthetic spam-like messages (2 KB and 20 KB classes) plus matching raw facts for the parser benchmark.
import { createHash } from 'node:crypto';
import { importEvidenceId, newEvidenceId, type RawFacts } from '@spamtrap/contracts';
import { mulberry32 } from '../support/util.js';

export type SizeClass = '2k' | '20k';

const prng = mulberry32;

const VOCAB = 'free offer bonus crypto wallet urgent invoice payment refund verify account parcel delivery prize lottery winner pharmacy discount loan credit security alert password reset unlock limited exclusive today only click confirm'.split(' ');
const SUFFIXES = ['com', 'net', 'org', 'co.uk', 'com.br', 'ru', 'top', 'xyz', 'info', 'biz'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

class Gen {
  constructor(readonly r: () => number) {}
  n(max: number): number {
    return Math.floor(this.r() * max);
  }
  of<T>(xs: readonly T[]): T {
    return xs[this.n(xs.length)]!;
  }
  name(): string {
    let s = '';
    for (let i = 0, len = 4 + this.n(7); i < len; i++) s += String.fromCharCode(97 + this.n(26));
    return s;
  }
  domain(): string {
    return `${this.name()}.${this.of(SUFFIXES)}`;
  }
  host(): string {
    return `${this.of(['mx', 'smtp', 'mail', 'out', 'relay'])}${this.n(20)}.${this.domain()}`;
  }
  ip(): string {
    return `${1 + this.n(222)}.${this.n(256)}.${this.n(256)}.${1 + this.n(253)}`;
  }
  hex(len: number): string {
    let s = '';
    for (let i = 0; i < len; i++) s += this.n(16).toString(16);
    return s;
  }
  words(count: number): string {
    return Array.from({ length: count }, () => this.of(VOCAB)).join(' ');
  }
  bytes(len: number): Buffer {
    const b = Buffer.alloc(len);
    for (let i = 0; i < len; i++) b[i] = this.n(256);
    return b;
  }
}

function rfcDate(ms: number): string {
  const d = new Date(ms);
  const p = (x: number): string => String(x).padStart(2, '0');
  return `${WEEKDAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** Quoted-printable with soft breaks at 74 characters (enough for ASCII bodies). */
function qp(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const esc = line.replace(/=/g, '=3D');
      const out: string[] = [];
      for (let i = 0; i < esc.length; i += 74) out.push(esc.slice(i, i + 74));
      return out.join('=\r\n');
    })
    .join('\r\n');
}

const wrap76 = (s: string): string => (s.match(/.{1,76}/g) ?? []).join('\r\n');

/** One Received header in one of four MTA styles, sometimes folded. */
function received(g: Gen, ms: number): string {
  const from = g.host();
  const ip = g.ip();
  const by = g.host();
  const id = g.hex(12).toUpperCase();
  const when = rfcDate(ms);
  switch (g.n(4)) {
    case 0:
      return `Received: from ${from} (${from} [${ip}])\r\n\tby ${by} (Postfix) with ESMTPS id ${id}\r\n\tfor <user${g.n(99)}@trap.example>; ${when}`;
    case 1:
      return `Received: from ${from} (${ip}) by ${by} (10.1.2.${g.n(250)}) with Microsoft SMTP Server\r\n id 15.2.${g.n(999)}.${g.n(99)}; ${when}`;
    case 2:
      return `Received: from ${g.name()} ([${ip}]) (may be forged)\r\n\tby ${by} (8.15.2/8.15.2) with SMTP id ${id.toLowerCase()};\r\n\t${when}`;
    default:
      return `Received: (qmail ${g.n(99999)} invoked from network); ${when}`;
  }
}

function message(g: Gen, size: SizeClass, index: number): Buffer {
  const t0 = Date.UTC(2026, 10, 1) + index * 61_000;
  const senderDomain = g.domain();
  const hops = size === '2k' ? 3 + g.n(3) : 3 + g.n(6);
  const lines: string[] = [];
  for (let i = 0; i < hops; i++) lines.push(received(g, t0 - i * 2000));
  const subject = Buffer.from(`${g.words(4)} – ${g.n(1000)}`, 'utf8').toString('base64');
  const fromName = Buffer.from(`Sérvice ${g.name()}`, 'utf8').toString('base64');
  const links = Array.from({ length: size === '2k' ? 2 + g.n(2) : 3 + g.n(4) }, () => `https://${g.n(2) === 0 ? 'www.' : ''}${g.domain()}/${g.name()}?id=${g.hex(8)}`);
  lines.push(
    `Return-Path: <bounce-${g.hex(6)}@${senderDomain}>`,
    `Authentication-Results: mx.trap.example; spf=softfail smtp.mailfrom=${senderDomain}; dkim=none`,
    `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=${senderDomain}; s=s${g.n(9)};\r\n\th=from:to:subject:date:message-id; bh=${Buffer.from(g.hex(32)).toString('base64')};\r\n\tb=${wrap76(g.bytes(128).toString('base64')).replace(/\r\n/g, '\r\n\t ')}`,
    `From: =?UTF-8?B?${fromName}?= <info@${senderDomain}>`,
    `Reply-To: claims@${g.domain()}`,
    `To: user${g.n(99)}@trap.example`,
    `Subject: =?UTF-8?B?${subject}?=`,
    `Date: ${rfcDate(t0 - hops * 2000)}`,
    `Message-ID: <${g.hex(16)}.${g.n(99999)}@${senderDomain}>`,
    `X-Mailer: ${g.of(['PHPMailer 6.8.1', 'Microsoft Outlook 16.0', 'Mozilla Thunderbird', 'The Bat! 9.4'])}`,
    'MIME-Version: 1.0',
  );
  const text = size === '2k' ? `${g.words(8)}\n${links.join('\n')}\n${g.words(8)}\n` : `${g.words(20)}\n${links.join('\n')}\n${g.words(30)}\n`;
  // The 20 KB class pads the HTML so the message lands near 20 KB with a ~6 KB image attachment.
  const filler = size === '2k' ? '' : `<p>${g.words(1050)}</p>`;
  const html = `<html><body><p>${g.words(size === '2k' ? 8 : 25)}</p>${links.map((l) => `<p><a href="${l.replace(/&/g, '&amp;')}">${g.words(3)}</a></p>`).join('')}<img src="https://img.${g.domain()}/p.gif" width="1"><p>${g.words(size === '2k' ? 8 : 30)}</p>${filler}</body></html>`;
  const alt = `alt-${g.hex(12)}`;
  const altPart = (htmlEncoding: 'qp' | 'base64'): string[] => [
    `--${alt}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    qp(text),
    `--${alt}`,
    'Content-Type: text/html; charset=utf-8',
    `Content-Transfer-Encoding: ${htmlEncoding === 'qp' ? 'quoted-printable' : 'base64'}`,
    '',
    htmlEncoding === 'qp' ? qp(html) : wrap76(Buffer.from(html).toString('base64')),
    `--${alt}--`,
  ];
  if (size === '2k') {
    lines.push(`Content-Type: multipart/alternative; boundary="${alt}"`, '', ...altPart('qp'), '');
  } else {
    const mixed = `mix-${g.hex(12)}`;
    const image = g.bytes(4200 + g.n(400));
    lines.push(
      `Content-Type: multipart/mixed; boundary="${mixed}"`,
      '',
      `--${mixed}`,
      `Content-Type: multipart/alternative; boundary="${alt}"`,
      '',
      ...altPart('base64'),
      `--${mixed}`,
      `Content-Type: image/png; name="promo${g.n(99)}.png"`,
      'Content-Disposition: attachment; filename="promo.png"',
      'Content-Transfer-Encoding: base64',
      '',
      wrap76(image.toString('base64')),
      `--${mixed}--`,
      '',
    );
  }
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

/** `count` messages of one size class; identical for the same seed. */
export function makeMessages(size: SizeClass, count: number, seed = 20261122): Buffer[] {
  const g = new Gen(prng(seed + (size === '2k' ? 0 : 1)));
  return Array.from({ length: count }, (_, i) => message(g, size, i));
}

/** Raw facts for a message, as the sink (even index) or the importer (odd index) would write them. */
export function factsFor(raw: Buffer, index: number): RawFacts {
  const sha256 = createHash('sha256').update(raw).digest('hex');
  const at = new Date(Date.UTC(2026, 10, 22) + index * 1000).toISOString();
  if (index % 2 === 1) {
    return { v: 1, evidenceId: importEvidenceId(sha256), source: 'import', size: raw.length, sha256, trusted: ['*.trap.example'], smtp: null, import: { archive: 'bench.mbox', format: 'mbox', file: 'bench.mbox', entry: index, importedAt: at } };
  }
  return {
    v: 1,
    evidenceId: newEvidenceId(Date.parse(at)),
    source: 'smtp',
    size: raw.length,
    sha256,
    trusted: ['*.trap.example', '192.0.2.0/24'],
    smtp: {
      sinkId: 'sinkA',
      connectionId: `c${index}`,
      transaction: 1,
      acceptedAt: at,
      peer: { ip: `198.51.100.${1 + (index % 250)}`, port: 40000 + index },
      local: { ip: '192.0.2.25', port: 25 },
      proxiedBy: null,
      helo: `helo${index}.example.net`,
      heloVerb: 'EHLO',
      tls: null,
      mailFrom: `bounce@sender${index}.example`,
      rcptTo: [`user${index % 99}@trap.example`],
      anomalies: [],
    },
    import: null,
  };
}
