// Pre-built benchmark messages: the sample scenarios padded to a target size, dot-stuffed once, with a per-message sequence slot.
import { scenarios, type Scenario } from '@spamtrap/cli/samples';

/** One message shape, split around the sequence number so sending costs two small writes and no string building. */
export interface MessageTemplate {
  name: string;
  helo: string;
  mailFrom: string;
  rcptTo: string;
  /** Synthetic peer addresses of this shape: the scenario's /24, or a /21 around it for public peers. */
  peerIp(rand: number): string;
  head: Buffer;
  /** Rest of the message after the sequence number, ending with the terminating `.\r\n`. */
  tail: Buffer;
}

const SEQ_SLOT = '@@SEQ@@';

/** Padding text: plain words and a URL every few lines, so the parser's URL and body facts have work to do. */
function padLines(bytes: number, tag: string): string[] {
  const lines: string[] = [];
  let n = 0;
  let size = 0;
  while (size < bytes) {
    const line =
      n % 5 === 4
        ? `More details at http://www.${tag}-offers.example/p/${n}?ref=bench and http://cdn.${tag}.example/i/${n}.png`
        : `Line ${n} of the ${tag} sample body: lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do.`;
    lines.push(line);
    size += line.length + 2;
    n++;
  }
  return lines;
}

/** Two extra hops below the scenario's own Received headers (claims by earlier hops, as in real relayed spam). */
function extraHops(s: Scenario): string[] {
  return [
    `Received: from [192.0.2.${(s.name.length * 7) % 250}] (helo=${s.name}-client.example)`,
    `\tby ${s.name}-edge.example with ESMTP id ${s.name.toUpperCase().replace(/-/g, '')}1; Sun, 22 Nov 2026 09:58:00 +0000`,
    `Received: from localhost (localhost [127.0.0.1])`,
    `\tby ${s.name}-client.example (8.15.2/8.15.2) with SMTP id a1b2c3; Sun, 22 Nov 2026 09:57:59 +0000`,
  ];
}

function dotStuff(text: string): string {
  const crlf = text.replace(/\r?\n/g, '\r\n');
  const stuffed = crlf.replace(/(^|\r\n)\./g, '$1..');
  return stuffed.endsWith('\r\n') ? stuffed : stuffed + '\r\n';
}

/**
 * Builds one template per scenario (those without a pre-HELO preamble, which needs its own session):
 * the scenario's headers, plus two deeper Received hops where the scenario already has a chain,
 * a unique Message-ID slot, and a body padded so the whole message is about `size` bytes.
 */
export function buildTemplates(size: number): MessageTemplate[] {
  const out: MessageTemplate[] = [];
  for (const s of scenarios(1)) {
    if (s.preamble !== undefined && s.preamble.length > 0) continue;
    const [headerText, ...bodyParts] = s.message.split('\r\n\r\n');
    const headers = (headerText ?? '').split('\r\n').filter((h) => !/^Message-ID:/i.test(h));
    const hasChain = headers.some((h) => /^Received:/i.test(h));
    const firstNonReceived = headers.findIndex((h) => !/^(Received:|\s)/i.test(h));
    const withHops = hasChain ? [...headers.slice(0, firstNonReceived), ...extraHops(s), ...headers.slice(firstNonReceived)] : headers;
    const msgIdDomain = s.mailFrom.split('@')[1] ?? 'bench.example';
    const allHeaders = [...withHops, `Message-ID: <bench-${SEQ_SLOT}.${s.name}@${msgIdDomain}>`];
    const body = bodyParts.join('\r\n\r\n');
    const base = allHeaders.join('\r\n').length + body.length + 4;
    const text = [...allHeaders, '', body.replace(/\r\n$/, ''), ...padLines(Math.max(0, size - base), s.name.replace(/[^a-z]/g, ''))].join('\r\n');
    const stuffed = dotStuff(text) + '.\r\n';
    const [head, tail] = stuffed.split(SEQ_SLOT);
    const [o1, o2, o3] = s.peerIp.split('.').map(Number) as [number, number, number];
    // The reserved-range shape must stay inside its special-purpose /24; public shapes spread over a /21.
    const spread = s.name === 'reserved-range' ? 1 : 8;
    const peerIp = (r: number): string => `${o1}.${o2}.${(o3 & ~(spread - 1)) + (r % spread)}.${1 + ((r >>> 3) % 254)}`;
    out.push({
      name: s.name,
      helo: s.helo,
      mailFrom: s.mailFrom,
      rcptTo: s.rcptTo[0] ?? 'bench@trap.spamtrap.test',
      peerIp,
      head: Buffer.from(head ?? '', 'latin1'),
      tail: Buffer.from(tail ?? '', 'latin1'),
    });
  }
  return out;
}

/** Trap domains the templates send to (the sink must accept them). */
export function templateTrapDomains(templates: readonly MessageTemplate[]): string[] {
  return [...new Set(templates.map((t) => t.rcptTo.split('@')[1] ?? ''))].filter((d) => d !== '');
}
