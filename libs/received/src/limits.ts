// Named limits on untrusted input for the Received parser and walker, each with the reason for its size.

/**
 * Characters of one Received value the parser looks at (64 KiB). Real headers stay below 2 KiB
 * (the longest in our corpus is ~700 chars); the cap keeps a 1 MB hostile value linear and cheap.
 */
export const MAX_RECEIVED_VALUE_CHARS = 65_536;

/** Tokens (words + comments) kept per header (256): rspamd caps parts and comments at 64 each; we allow margin. */
export const MAX_TOKENS = 256;

/** Nesting depth of parenthesised comments tracked (16); deeper text is kept flat inside the outer comment. */
export const MAX_COMMENT_DEPTH = 16;

/** Length of a kept field such as HELO, rDNS or `for` (255 = longest DNS name / SMTP path we care about). */
export const MAX_FIELD_CHARS = 255;

/**
 * Received headers kept per message (256). Postfix's hopcount_limit is 50 and sendmail's MaxHopCount 25,
 * so real mail never comes near; the rest are counted in `counts.truncated`.
 */
export const MAX_RECEIVED_HEADERS = 256;

/**
 * Bytes of the header block scanned (1 MiB). Postfix's header_size_limit default is 100 KiB; ten times
 * that still reads every real header block while bounding hostile input.
 */
export const MAX_HEADER_BLOCK_BYTES = 1_048_576;

/** Default allowed clock skew between hops before TIME_BACKWARDS / DATE_IN_FUTURE (30 min: queueing + bad clocks). */
export const DEFAULT_MAX_SKEW_MS = 30 * 60 * 1000;
