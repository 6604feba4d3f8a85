// The fast engine: mailparser's own MIME splitter (@zone-eu/mailsplit) and decoders, without mailparser's
// per-part stream pipeline, doing only what MailFacts needs. Same node structure, same header decoding
// rules as mailparser (checked against it by the engine-equivalence tests).
import mailsplit from '@zone-eu/mailsplit';
import type { MimeNode, SplitterChunk } from '@zone-eu/mailsplit';
import libmime from 'libmime';
import { decode as decodeCharset } from 'libmime/lib/charset.js';
import { decode as decodeQp } from 'libqp';
import { decode as decodeBase64 } from 'libbase64';
import { parseAddressHeader } from 'mailparser';
import type { MessageView, ViewAttachment } from './view.js';
import { EXTRA_HEADER_NAMES, rawHeaderValue } from './headers.js';

/** Top-level headers a fact is built from; every other header is only counted. */
const NEEDED = new Set(['from', 'to', 'reply-to', 'sender', 'subject', 'message-id', 'content-type', 'x-mailer', 'user-agent', 'auto-submitted', 'precedence', ...EXTRA_HEADER_NAMES]);

/** Bodies mailparser treats as text (it adds delivery-status reports to the text unless told otherwise). */
const TEXT_TYPES = new Set(['text/plain', 'text/html', 'message/delivery-status']);

/** mailparser's default limit on MIME parts; more make the splitter fail (then the header fallback runs). */
const MAX_CHILD_NODES = 1000;

interface Leaf {
  node: MimeNode;
  kind: 'text' | 'html' | 'attachment';
  chunks: Buffer[];
}

/** mailparser's header value: unfolded, trimmed, 8-bit bytes read as UTF-8. */
function headerValue(line: string): string {
  const decoded = libmime.decodeHeader(line) as { value?: string } | undefined;
  const v = (decoded?.value ?? '').trim();
  return Buffer.from(v, 'binary').toString();
}

function decodeWords(s: string): string {
  try {
    return libmime.decodeWords(s);
  } catch {
    return s; // mailparser keeps an undecodable value as it is
  }
}

function bodyBytes(leaf: Leaf): Buffer {
  const raw = leaf.chunks.length === 1 ? leaf.chunks[0]! : Buffer.concat(leaf.chunks);
  const enc = leaf.node.encoding;
  if (enc === 'base64') {
    // As libbase64's stream decoder (mailparser's) does: drop non-alphabet bytes, decode padded segments.
    let b64 = raw.toString('latin1');
    if (/[^a-zA-Z0-9+/=]/.test(b64)) b64 = b64.replace(/[^a-zA-Z0-9+/=]/g, '');
    return decodeBase64(b64);
  }
  if (enc === 'quoted-printable') return decodeQp(raw);
  return raw;
}

/** Text as mailparser decodes it: format=flowed joined first, then the declared charset (UTF-8 by default). */
function bodyText(leaf: Leaf, bytes: Buffer): string {
  let b = bytes;
  if (leaf.node.flowed) b = Buffer.from(libmime.decodeFlowed(b.toString('binary'), leaf.node.delSp), 'binary');
  const cs = leaf.node.charset || 'utf-8';
  if (['ascii', 'usascii', 'utf8'].includes(cs.toLowerCase().replace(/[^a-z0-9]+/g, ''))) return b.toString('utf8');
  try {
    return decodeCharset(b, cs);
  } catch {
    return b.toString('utf8'); // mailparser leaves an undecodable charset as it is
  }
}

export async function parseWithSplitter(message: Buffer, maxHeadBytes: number, maxAttachments: number): Promise<MessageView> {
  const splitter = new mailsplit.Splitter({ maxHeadSize: maxHeadBytes, maxChildNodes: MAX_CHILD_NODES, ignoreEmbedded: false, defaultInlineEmbedded: false });
  const headerMap = new Map<string, string[]>();
  let headerLines: { key: string; line: string }[] = [];
  const text: string[] = [];
  const html: string[] = [];
  const attachments: ViewAttachment[] = [];
  let current: Leaf | null = null;

  const finish = (leaf: Leaf | null): void => {
    if (leaf === null) return;
    if (leaf.kind === 'attachment') {
      const node = leaf.node;
      const filename = node.filename || null;
      let contentType = node.contentType || 'application/octet-stream';
      if (contentType === 'application/octet-stream' && filename !== null) contentType = libmime.detectMimeType(filename) || 'application/octet-stream';
      attachments.push({ filename, contentType, content: attachments.length < maxAttachments ? bodyBytes(leaf) : null });
      return;
    }
    const s = bodyText(leaf, bodyBytes(leaf));
    (leaf.kind === 'html' ? html : text).push(s);
  };

  const onNode = (node: MimeNode): void => {
    finish(current);
    current = null;
    if (node.root && node.headers) {
      headerLines = node.headers.getList();
      for (const { key, line } of headerLines) {
        if (!NEEDED.has(key)) continue;
        const v = headerValue(line);
        if (v === '') continue;
        const list = headerMap.get(key);
        if (list === undefined) headerMap.set(key, [v]);
        else list.push(v);
      }
    }
    const contentType = node.contentType || (node.root ? 'text/plain' : '');
    if (node.multipart || (contentType === 'message/rfc822' && node.messageNode === true)) return;
    let disposition = node.disposition || '';
    if (disposition !== '' && disposition !== 'attachment' && disposition !== 'inline') disposition = 'attachment';
    const isText = TEXT_TYPES.has(contentType);
    if (disposition === '') disposition = isText ? 'inline' : 'attachment';
    const isAttachment = !isText || disposition !== 'inline';
    const kind = isAttachment ? 'attachment' : contentType === 'text/html' ? 'html' : 'text';
    // Past the attachment limit a part is still counted, but its bytes are not kept (see the 'data' handler).
    current = { node, kind, chunks: [] };
  };

  await new Promise<void>((resolve, reject) => {
    splitter.on('data', (chunk: SplitterChunk) => {
      if (chunk.type === 'node') onNode(chunk);
      else if (chunk.type === 'body' && current !== null && chunk.node === current.node && (current.kind !== 'attachment' || attachments.length < maxAttachments)) current.chunks.push(chunk.value);
    });
    // The splitter's typings declare only 'data'; it is a Transform stream with the usual events.
    const events = splitter as unknown as NodeJS.EventEmitter;
    events.once('end', () => resolve());
    events.once('error', (err: Error) => reject(err));
    splitter.end(message);
  });
  finish(current);

  const first = (name: string): string | null => headerMap.get(name)?.[0] ?? null;
  const addrs = (name: string, all: boolean): string[] => {
    const values = headerMap.get(name);
    if (values === undefined) return [];
    const out: string[] = [];
    for (const e of parseAddressHeader(all ? values : values.slice(0, 1)).value) {
      if (e.address !== undefined && e.address !== '') out.push(e.address);
      for (const g of e.group ?? []) if (g.address !== undefined && g.address !== '') out.push(g.address);
    }
    return out;
  };
  const subject = first('subject');
  const mid = first('message-id');
  const ct = first('content-type');
  let contentType: MessageView['contentType'] = null;
  if (ct !== null) {
    const parsed = libmime.parseHeaderValue(ct, { stripComments: true });
    const rt = parsed.params['report-type'];
    contentType = { value: decodeWords(parsed.value), reportType: rt === undefined ? null : decodeWords(rt) };
  }
  return {
    headerCount: headerLines.length,
    values: (name) => headerMap.get(name) ?? [],
    addresses: (name) => addrs(name, name === 'to'),
    subject: subject === null ? null : decodeWords(subject),
    messageId: mid === null ? null : decodeWords(mid).replace(/^\s*<|>\s*$/g, ''),
    contentType,
    rawDate: rawHeaderValue(headerLines, 'date'),
    text,
    html,
    attachments,
  };
}
