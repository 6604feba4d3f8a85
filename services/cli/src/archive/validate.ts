// What makes an archive entry "malformed": the checks import and replay apply before sending anything.

/** Header block bytes examined for a header field / separator (RFC 5322 headers of real spam stay far below). */
const MAX_HEADER_SCAN_BYTES = 1024 * 1024;

/** A header field line: printable name without spaces or colon, then a colon (RFC 5322 2.2), or an mbox-style "From " line. */
const HEADER_LINE = /^[!-9;-~]+:/;

/**
 * Null when `bytes` can be a message; else the reason. Malformed means:
 * - `empty`: no bytes, or whitespace only;
 * - `no_headers`: the first line is not a header field (binary junk, a text file, a stray mbox fragment);
 * - `binary`: a NUL byte in the header block (headers are text; NULs break every downstream parser);
 * - `no_separator`: no empty line between header block and body anywhere in the first 1 MiB.
 *   RFC 5322 allows a header-only message without it, but an archive entry without one is almost
 *   always truncated or not mail; a header-only message must still end its header block with an empty line.
 * Oversize is decided by the readers, which stop buffering at the limit.
 */
export function malformedReason(bytes: Buffer): string | null {
  if (bytes.length === 0 || (bytes.length <= 4096 && /^\s*$/.test(bytes.toString('latin1')))) return 'empty';
  const scan = bytes.subarray(0, MAX_HEADER_SCAN_BYTES);
  const firstNl = scan.indexOf(0x0a);
  const firstLine = scan.subarray(0, firstNl < 0 ? scan.length : firstNl).toString('latin1');
  if (!HEADER_LINE.test(firstLine)) return 'no_headers';
  const sep = headerEnd(scan);
  if (sep < 0) return 'no_separator';
  if (scan.subarray(0, sep).includes(0)) return 'binary';
  return null;
}

/** Offset of the empty line ending the header block (CRLF CRLF or LF LF), or -1. */
export function headerEnd(buf: Buffer): number {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  if (crlf < 0) return lf;
  if (lf < 0) return crlf;
  return Math.min(crlf, lf);
}
