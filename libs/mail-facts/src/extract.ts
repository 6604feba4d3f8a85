// extractMailFacts: one MIME pass over a raw message -> the MailFacts analysts search, never throwing.
import { createHash } from 'node:crypto';
import type { MailAttachmentFacts, MailFacts, Reason } from '@spamtrap/contracts';
import { DEFAULT_LIMITS, type MailFactsLimits } from './limits.js';
import { MAIL_ISSUES } from './issues.js';
import { UrlCollector } from './urls.js';
import { dropHeaders, UNPARSED_HEADERS } from './prefilter.js';
import { addressDomain, cut, looksMisdecoded, normaliseAddress } from './text.js';
import { EXTRA_HEADER_NAMES, MAX_EXTRA_HEADER_OCCURRENCES, headerBlock } from './headers.js';
import type { MessageView } from './view.js';
import { parseWithMailparser } from './engine-mailparser.js';
import { parseWithSplitter } from './engine-split.js';

/**
 * `split` (default): mailparser's splitter and decoders driven directly, ~2x cheaper than simpleParser;
 * `mailparser`: simpleParser itself, the reference the split engine is tested against.
 */
export type MailEngine = 'split' | 'mailparser';

export interface MailFactsOptions {
  limits?: Partial<MailFactsLimits>;
  /** Drop UNPARSED_HEADERS before MIME parsing (default true; false exists to prove it changes no fact). */
  prefilter?: boolean;
  engine?: MailEngine;
}

export interface MailFactsResult {
  /** Null only when nothing at all could be parsed; `issues` says why. */
  facts: MailFacts | null;
  issues: Reason[];
}

/** Earliest and latest Date: accepted as real; V8's lenient parser turns junk like "1" into 2001. */
const MIN_DATE_MS = Date.UTC(1970, 0, 1);
const MAX_DATE_MS = Date.UTC(2999, 11, 31);

/** Issue messages copied from parser exceptions are cut to this many characters. */
const MAX_ERROR_CHARS = 300;

/** Parse a raw RFC 5322 message into analyst facts. Pure (no I/O); never rejects. */
export async function extractMailFacts(raw: Buffer, opts: MailFactsOptions = {}): Promise<MailFactsResult> {
  const limits: MailFactsLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  if (raw.length === 0) return { facts: null, issues: [{ code: MAIL_ISSUES.EMPTY_MESSAGE }] };
  const issues = new IssueList();
  const { message, dropped } = opts.prefilter === false ? { message: raw, dropped: 0 } : dropHeaders(raw, UNPARSED_HEADERS, limits.maxHeadBytes);
  let view: MessageView;
  let skipped = dropped;
  try {
    view = opts.engine === 'mailparser' ? await parseWithMailparser(message, limits.maxHeadBytes) : await parseWithSplitter(message, limits.maxHeadBytes, limits.maxAttachments);
  } catch (err) {
    issues.add(MAIL_ISSUES.MIME_PARSE_FAILED, { error: cut(errorText(err), MAX_ERROR_CHARS), fallback: 'headers' });
    skipped = 0;
    const { head, truncated } = headerBlock(raw, limits.maxHeadBytes - 4);
    if (truncated) issues.add(MAIL_ISSUES.HEADERS_TRUNCATED, { keptBytes: head.length - 4 });
    try {
      view = await parseWithMailparser(head, limits.maxHeadBytes + 1024);
    } catch (err2) {
      issues.add(MAIL_ISSUES.MIME_PARSE_FAILED, { error: cut(errorText(err2), MAX_ERROR_CHARS), fallback: 'none' });
      return { facts: null, issues: issues.list() };
    }
  }
  try {
    return { facts: buildFacts(view, skipped, limits, issues), issues: issues.list() };
  } catch (err) {
    // A parser result shape we did not foresee must not take the record down.
    issues.add(MAIL_ISSUES.MIME_PARSE_FAILED, { error: cut(errorText(err), MAX_ERROR_CHARS), fallback: 'none' });
    return { facts: null, issues: issues.list() };
  }
}

/** `skipped`: header fields removed before parsing (counted in headerCount, not otherwise needed). */
function buildFacts(m: MessageView, skipped: number, limits: MailFactsLimits, issues: IssueList): MailFacts {
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
  const first = (name: string): string | null => {
    const v = m.values(name)[0]?.trim();
    return v === undefined || v === '' ? null : v;
  };
  const addrList = (name: 'from' | 'sender' | 'reply-to' | 'to'): string[] => {
    const all = m.addresses(name);
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

  const from = addrList('from');
  const replyTo = addrList('reply-to');
  const to = addrList('to');
  const sender = addrList('sender')[0] ?? null;
  const messageId = field('message-id', m.messageId);
  const contentType = m.contentType === null ? null : field('content-type', m.contentType.value.toLowerCase());
  const reportType = m.contentType?.reportType?.trim().toLowerCase() ?? null;

  const extraHeaders: Record<string, string> = {};
  for (const name of EXTRA_HEADER_NAMES) {
    const values = m.values(name);
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
    date: parseDate(m.rawDate, issues),
    xMailer: field('x-mailer', first('x-mailer') ?? first('user-agent')),
    contentType,
    ...bodyUrls(m, limits, issues),
    attachments: attachmentFacts(m, limits, issues),
    autoReply: {
      dsn: contentType === 'multipart/report' && reportType === 'delivery-status',
      autoSubmitted: field('auto-submitted', first('auto-submitted')?.toLowerCase()),
      precedence: field('precedence', first('precedence')?.toLowerCase()),
    },
    headerCount: m.headerCount + skipped,
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

/** Text bodies first, then HTML: the order mailparser's `text` and `html` give. */
function bodyUrls(m: MessageView, limits: MailFactsLimits, issues: IssueList): { urls: string[]; urlDomains: string[] } {
  const c = new UrlCollector(limits.maxUrls, limits.maxUrlChars, limits.maxUrlScanChars);
  for (const body of [m.text.join('\n'), m.html.join('\n')]) {
    if (c.full) break;
    c.scan(body);
  }
  if (c.dropped > 0) issues.add(MAIL_ISSUES.URL_LIMIT_REACHED, { kept: c.urls.length });
  if (c.tooLong > 0) issues.add(MAIL_ISSUES.URL_TOO_LONG, { count: c.tooLong, maxChars: limits.maxUrlChars });
  if (c.scanTruncated) issues.add(MAIL_ISSUES.URL_SCAN_TRUNCATED, { maxChars: limits.maxUrlScanChars });
  return { urls: c.urls, urlDomains: [...c.domains] };
}

function attachmentFacts(m: MessageView, limits: MailFactsLimits, issues: IssueList): MailAttachmentFacts[] {
  const out: MailAttachmentFacts[] = [];
  for (const a of m.attachments) {
    if (out.length >= limits.maxAttachments || a.content === null) {
      issues.add(MAIL_ISSUES.ATTACHMENT_LIMIT_REACHED, { count: m.attachments.length, kept: out.length });
      break;
    }
    out.push({
      filename: a.filename === null || a.filename === '' ? null : cut(a.filename, limits.maxFieldChars),
      contentType: cut((a.contentType || 'application/octet-stream').toLowerCase(), limits.maxFieldChars),
      size: a.content.length,
      sha256: createHash('sha256').update(a.content).digest('hex'),
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
