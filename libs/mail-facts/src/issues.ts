// Stable issue codes for partial or failed MIME extraction (they end up in ParsedRecord.issues).

export const MAIL_ISSUES = {
  /** The message has no bytes at all. */
  EMPTY_MESSAGE: 'EMPTY_MESSAGE',
  /** mailparser gave up; facts come from the header block alone (or are null). */
  MIME_PARSE_FAILED: 'MIME_PARSE_FAILED',
  /** The header block was larger than the limit; only its first part was read. */
  HEADERS_TRUNCATED: 'HEADERS_TRUNCATED',
  /** A header value did not decode cleanly (bad charset, invalid UTF-8, undecodable encoded word). */
  HEADER_DECODE_ERROR: 'HEADER_DECODE_ERROR',
  /** The Date: header is present but not a real date. */
  DATE_INVALID: 'DATE_INVALID',
  /** More distinct URLs than the limit: the rest were not kept. */
  URL_LIMIT_REACHED: 'URL_LIMIT_REACHED',
  /** URLs longer than the limit were cut. */
  URL_TOO_LONG: 'URL_TOO_LONG',
  /** A body was longer than the scan limit: URLs past it were not looked for. */
  URL_SCAN_TRUNCATED: 'URL_SCAN_TRUNCATED',
  /** More attachments than the limit: the rest were not listed or hashed. */
  ATTACHMENT_LIMIT_REACHED: 'ATTACHMENT_LIMIT_REACHED',
  /** More addresses in a field than the limit. */
  ADDRESS_LIMIT_REACHED: 'ADDRESS_LIMIT_REACHED',
  /** A text fact was longer than the limit and was cut. */
  FIELD_TRUNCATED: 'FIELD_TRUNCATED',
} as const;

export type MailIssueCode = (typeof MAIL_ISSUES)[keyof typeof MAIL_ISSUES];
