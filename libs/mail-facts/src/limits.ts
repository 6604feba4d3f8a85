// Bounds on everything extracted from untrusted mail, each with the reason for its number.

export interface MailFactsLimits {
  /** Distinct body URLs kept per message. */
  maxUrls: number;
  /** Longest URL kept, in characters; longer ones are cut and reported. */
  maxUrlChars: number;
  /** Characters of each body (text, HTML) scanned for URLs. */
  maxUrlScanChars: number;
  /** Attachments listed (and hashed) per message. */
  maxAttachments: number;
  /** Addresses kept per address field (From, Reply-To, To). */
  maxAddresses: number;
  /** Longest single-line text fact (Subject, X-Mailer, a header value), in characters. */
  maxFieldChars: number;
  /** Largest header block handed to the header-only fallback, in bytes. */
  maxHeadBytes: number;
}

/**
 * 200 distinct URLs is far above what real campaigns carry (usually < 50) and keeps a link-farm
 * message from producing a record of megabytes.
 */
export const MAX_URLS = 200;

/** 2,048 characters: the de-facto URL length browsers and ES keyword `ignore_above` handle comfortably. */
export const MAX_URL_CHARS = 2048;

/**
 * 2,000,000 characters per body: URL scanning is linear, but a 10 MB HTML body of junk is not worth
 * scanning past the point where every real message has ended; cuts the worst case to a few ms.
 */
export const MAX_URL_SCAN_CHARS = 2_000_000;

/** 100 attachments listed and hashed; mailparser itself stops at 1,000 MIME parts. */
export const MAX_ATTACHMENTS = 100;

/** 100 addresses per field: a To: with thousands of recipients is kept as a count, not a list. */
export const MAX_ADDRESSES = 100;

/** 1,024 characters: RFC 5322 lines are at most 998; anything longer is junk or an attack. */
export const MAX_FIELD_CHARS = 1024;

/**
 * 1 MiB: mailparser's own per-part header limit (`maxHeadSize`). When a header block is larger,
 * the fallback parses the first 1 MiB of it so that From/Subject/... survive.
 */
export const MAX_HEAD_BYTES = 1024 * 1024;

export const DEFAULT_LIMITS: Readonly<MailFactsLimits> = Object.freeze({
  maxUrls: MAX_URLS,
  maxUrlChars: MAX_URL_CHARS,
  maxUrlScanChars: MAX_URL_SCAN_CHARS,
  maxAttachments: MAX_ATTACHMENTS,
  maxAddresses: MAX_ADDRESSES,
  maxFieldChars: MAX_FIELD_CHARS,
  maxHeadBytes: MAX_HEAD_BYTES,
});
