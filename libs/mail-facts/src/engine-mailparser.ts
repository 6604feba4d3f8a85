// The reference engine: mailparser's simpleParser (skip* options) turned into a MessageView.
import { simpleParser, type ParsedMail, type SimpleParserOptions } from 'mailparser';
import type { MessageView } from './view.js';
import { addresses, headerStrings, rawHeaderValue, structuredHeader } from './headers.js';

/** Everything that only renders (text->HTML, linkify, HTML->text, cid: inlining) is skipped; hashing is ours. */
export function simpleParserOptions(maxHeadBytes: number): SimpleParserOptions {
  return {
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    skipImageLinks: true,
    keepCidLinks: true,
    checksumAlgo: false,
    maxHeadSize: maxHeadBytes,
  };
}

export async function parseWithMailparser(message: Buffer, maxHeadBytes: number): Promise<MessageView> {
  return viewOf(await simpleParser(message, simpleParserOptions(maxHeadBytes)));
}

function viewOf(m: ParsedMail): MessageView {
  const h = m.headers;
  const ct = structuredHeader(h, 'content-type');
  return {
    headerCount: m.headerLines.length,
    values: (name) => headerStrings(h, name),
    addresses: (name) => {
      if (name === 'from') return addresses(m.from);
      if (name === 'reply-to') return addresses(m.replyTo);
      if (name === 'to') return addresses(m.to);
      return addresses(h.get('sender'));
    },
    subject: m.subject ?? null,
    messageId: m.messageId === undefined ? null : m.messageId.replace(/^\s*<|>\s*$/g, ''),
    contentType: ct === null ? null : { value: ct.value, reportType: ct.params['report-type'] ?? null },
    rawDate: rawHeaderValue(m.headerLines, 'date'),
    text: typeof m.text === 'string' ? [m.text] : [],
    html: typeof m.html === 'string' ? [m.html] : [],
    attachments: m.attachments.map((a) => ({
      filename: a.filename === undefined || a.filename === '' ? null : a.filename,
      contentType: a.contentType,
      content: Buffer.isBuffer(a.content) ? a.content : Buffer.alloc(0),
    })),
  };
}
