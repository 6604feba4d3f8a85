// extractMailFacts: one mailparser pass over a raw message -> the MailFacts analysts search, never throwing.
import { createHash } from 'node:crypto';
import { simpleParser, type ParsedMail, type SimpleParserOptions } from 'mailparser';
import type { MailAttachmentFacts, MailFacts, Reason } from '@spamtrap/contracts';
import { DEFAULT_LIMITS, type MailFactsLimits } from './limits.js';
import { MAIL_ISSUES } from './issues.js';
import { UrlCollector } from './urls.js';
import { dropHeaders, UNPARSED_HEADERS } from './prefilter.js';
import { addressDomain, cut, looksMisdecoded, normaliseAddress } from './text.js';
import {
  EXTRA_HEADER_NAMES,
  MAX_EXTRA_HEADER_OCCURRENCES,
  addresses,
  firstHeader,
  headerBlock,
  headerStrings,
  rawHeaderValue,
  structuredHeader,
} from './headers.js';

export interface MailFactsOptions {
  limits?: Partial<MailFactsLimits>;
  /** Drop UNPARSED_HEADERS before mailparser (default true; false exists to prove it changes no fact). */
  prefilter?: boolean;
}

export interface MailFactsResult {
  /** Null only when nothing at all could be parsed; `issues` says why. */
  facts: MailFacts | null;
  issues: Reason[];
}

/** Earliest and latest Date: years accepted as real; V8's lenient parser turns junk like "1" into 2001. */
const MIN_DATE_MS = Date.UTC(1970, 0, 1);
const MAX_DATE_MS = Date.UTC(2999, 11, 31);

/** Issue messages copied from parser exceptions are cut to this many characters. */
const MAX_ERROR_CHARS = 300;

/**
 * mailparser options: everything that only renders (text->HTML, linkify, HTML->text, cid: inlining)
 * is skipped because we scan text and HTML for URLs ourselves; hashing is ours too (sha256, bounded).
 */
function parserOptions(limits: MailFactsLimits): SimpleParserOptions {
  return {
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    skipImageLinks: true,
    keepCidLinks: true,
    checksumAlgo: false,
    maxHeadSize: limits.maxHeadBytes,
  };
}

/** Parse a raw RFC 5322 message into analyst facts. Pure (no I/O); never rejects. */
export async function extractMailFacts(raw: Buffer, opts: MailFactsOptions = {}): Promise<MailFactsResult> {
  const limits: MailFactsLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  if (raw.length === 0) return { facts: null, issues: [{ code: MAIL_ISSUES.EMPTY_MESSAGE }] };
  const issues = new IssueList();
  const { message, dropped } = opts.prefilter === false ? { message: raw, dropped: 0 } : dropHeaders(raw, UNPARSED_HEADERS, limits.maxHeadBytes);
  let parsed: ParsedMail;
  let skipped = dropped;
  try {
    parsed = await simpleParser(message, parserOptions(limits));
  } catch (err) {
    issues.add(MAIL_ISSUES.MIME_PARSE_FAILED, { error: cut(errorText(err), MAX_ERROR_CHARS), fallback: 'headers' });
    skipped = 0;
    const { head, truncated } = headerBlock(raw, limits.maxHeadBytes - 4);
    if (truncated) issues.add(MAIL_ISSUES.HEADERS_TRUNCATED, { keptBytes: head.length - 4 });
    try {
      parsed = await simpleParser(head, { ...parserOptions(limits), maxHeadSize: limits.maxHeadBytes + 1024 });
    } catch (err2) {
      issues.add(MAIL_ISSUES.MIME_PARSE_FAILED, { error: cut(errorText(err2), MAX_ERROR_CHARS), fallback: 'none' });
      return { facts: null, issues: issues.list() };
    }
  }
  try {
    return { facts: buildFacts(parsed, skipped, limits, issues), issues: issues.list() };
  } catch (err) {
    // A mailparser result shape we did not foresee must not take the record down.
    issues.add(MAIL_ISSUES.MIME_PARSE_FAILED, { error: cut(errorText(err), MAX_ERROR_CHARS), fallback: 'none' });
    return { facts: null, issues: issues.list() };
  }
}

/** `skipped`: header fields removed before parsing (counted in headerCount, not otherwise needed). */
function buildFacts(m: ParsedMail, skipped: number, limits: MailFactsLimits, issues: IssueList): MailFacts {
  const field = (name: string, v: string | null | undefined): string | null => {
    if (v === null || v === undefined) return null;
    const t = v.trim();
    if (t === '') return null;
    if (looksMisdecoded(t)) issues.add(MAIL_ISSUES.HEADER_DECODE_ERROR, { header: name });
    if (t.length > limits.maxFieldChars) {
      issues.add(MAIL_ISSUES.FIELD_TRUNCATED, { field: name, chars: t.length });
      return cut(t, limits.maxFieldChars);
    }
    return t;
  };
  const addrList = (name: string, v: Parameters<typeof addresses>[0]): string[] => {
    const all = addresses(v);
    const seen = new Set<string>();
    for (const a of all) {
      if (seen.size >= limits.maxAddresses) {
        issues.add(MAIL_ISSUES.ADDRESS_LIMIT_REACHED, { field: name, count: all.length });
        break;
      }
      seen.add(cut(normaliseAddress(a), limits.maxFieldChars));
    }
    return [...seen];
  };
  const domainsOf = (list: string[]): string[] => [...new Set(list.map(addressDomain).filter((d): d is string => d !== null))];

  const h = m.headers;
  const from = addrList('from', m.from);
  const replyTo = addrList('reply-to', m.replyTo);
  const to = addrList('to', m.to);
  const sender = addrList('sender', h.get('sender'))[0] ?? null;

  const messageId = field('message-id', m.messageId?.replace(/^\s*<|>\s*$/g, '') ?? null);
  const ct = structuredHeader(h, 'content-type');
  const contentType = ct === null ? null : field('content-type', ct.value.toLowerCase());
  const reportType = ct?.params['report-type']?.trim().toLowerCase() ?? null;

  const extraHeaders: Record<string, string> = {};
  for (const name of EXTRA_HEADER_NAMES) {
    const values = headerStrings(h, name);
    if (values.length === 0) continue;
    const v = field(name, values.slice(0, MAX_EXTRA_HEADER_OCCURRENCES).join(' | '));
    if (v !== null) extraHeaders[name] = v;
  }

  return {
    from,
    fromDomains: domainsOf(from),
    sender,
    replyTo,
    replyToDomains: domainsOf(replyTo),
    to,
    subject: field('subject', m.subject),
    messageId,
    messageIdDomain: messageId === null ? null : addressDomain(messageId),
    date: parseDate(rawHeaderValue(m.headerLines, 'date'), issues),
    xMailer: field('x-mailer', firstHeader(h, 'x-mailer') ?? firstHeader(h, 'user-agent')),
    contentType,
    ...bodyUrls(m, limits, issues),
    attachments: attachmentFacts(m, limits, issues),
    autoReply: {
      dsn: contentType === 'multipart/report' && reportType === 'delivery-status',
      autoSubmitted: field('auto-submitted', firstHeader(h, 'auto-submitted')?.toLowerCase()),
      precedence: field('precedence', firstHeader(h, 'precedence')?.toLowerCase()),
    },
    headerCount: m.headerLines.length + skipped,
    extraHeaders,
  };
}

/** The Date: header as ISO 8601, from the raw text (mailparser substitutes the clock for bad dates). */
function parseDate(value: string | null, issues: IssueList): string | null {
  if (value === null || value === '') return null;
  const ms = Date.parse(value.replace(/\s*\([^)]*\)\s*$/, ''));
  if (Number.isNaN(ms) || ms < MIN_DATE_MS || ms > MAX_DATE_MS) {
    issues.add(MAIL_ISSUES.DATE_INVALID, { value: cut(value, 100) });
    return null;
  }
  return new Date(ms).toISOString();
}

function bodyUrls(m: ParsedMail, limits: MailFactsLimits, issues: IssueList): { urls: string[]; urlDomains: string[] } {
  const c = new UrlCollector(limits.maxUrls, limits.maxUrlChars, limits.maxUrlScanChars);
  if (typeof m.text === 'string') c.scan(m.text);
  if (typeof m.html === 'string' && !c.full) c.scan(m.html);
  if (c.dropped > 0) issues.add(MAIL_ISSUES.URL_LIMIT_REACHED, { kept: c.urls.length });
  if (c.tooLong > 0) issues.add(MAIL_ISSUES.URL_TOO_LONG, { count: c.tooLong, maxChars: limits.maxUrlChars });
  if (c.scanTruncated) issues.add(MAIL_ISSUES.URL_SCAN_TRUNCATED, { maxChars: limits.maxUrlScanChars });
  return { urls: c.urls, urlDomains: [...c.domains] };
}

function attachmentFacts(m: ParsedMail, limits: MailFactsLimits, issues: IssueList): MailAttachmentFacts[] {
  const out: MailAttachmentFacts[] = [];
  for (const a of m.attachments) {
    if (out.length >= limits.maxAttachments) {
      issues.add(MAIL_ISSUES.ATTACHMENT_LIMIT_REACHED, { count: m.attachments.length, kept: out.length });
      break;
    }
    const content = Buffer.isBuffer(a.content) ? a.content : Buffer.alloc(0);
    out.push({
      filename: a.filename === undefined || a.filename === '' ? null : cut(a.filename, limits.maxFieldChars),
      contentType: cut((a.contentType || 'application/octet-stream').toLowerCase(), limits.maxFieldChars),
      size: content.length,
      sha256: createHash('sha256').update(content).digest('hex'),
    });
  }
  return out;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Issues in first-seen order, one per code and field/header (later repeats are dropped). */
class IssueList {
  private readonly byCode = new Map<string, Reason>();

  add(code: string, detail?: Reason['detail']): void {
    const key = `${code}|${String(detail?.['field'] ?? detail?.['header'] ?? '')}`;
    if (this.byCode.has(key)) return;
    this.byCode.set(key, detail === undefined ? { code } : { code, detail });
  }

  list(): Reason[] {
    return [...this.byCode.values()];
  }
}
