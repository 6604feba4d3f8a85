// Extracts Received header values from a raw message: finds the header block, unfolds, decodes 8-bit as UTF-8 when valid.
import { MAX_HEADER_BLOCK_BYTES, MAX_RECEIVED_HEADERS } from './limits.js';

export interface ExtractedHeaders {
  /** Received values, top (newest) first, unfolded, without the name. */
  received: string[];
  /** Received headers beyond MAX_RECEIVED_HEADERS that were dropped. */
  truncated: number;
  /** True when the header block was longer than MAX_HEADER_BLOCK_BYTES and was cut. */
  headerCut: boolean;
  /** Bytes in the header block (up to the blank line or the cap). */
  headerBytes: number;
  /** Header fields seen (any name). */
  fieldCount: number;
  /** True when the block had at least one well-formed `Name:` line. */
  looksLikeHeaders: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decode(buf: Buffer, start: number, end: number): string {
  for (let i = start; i < end; i++) {
    if ((buf[i] as number) >= 0x80) {
      try {
        return utf8.decode(buf.subarray(start, end));
      } catch {
        return buf.toString('latin1', start, end);
      }
    }
  }
  return buf.toString('latin1', start, end);
}

/** True when bytes [i, i+9) spell "received:" in any case. */
function isReceived(buf: Buffer, i: number, end: number): boolean {
  if (i + 9 > end) return false;
  const name = 'received';
  for (let k = 0; k < 8; k++) {
    if (((buf[i + k] as number) | 0x20) !== name.charCodeAt(k)) return false;
  }
  // Allow whitespace before the colon ("Received :"), as obsolete syntax does.
  let j = i + 8;
  while (j < end && (buf[j] === 0x20 || buf[j] === 0x09)) j++;
  return buf[j] === 0x3a;
}

/** Reads the header block of `raw` (CRLF, LF or mixed line ends). Never throws. */
export function extractHeaders(raw: Buffer): ExtractedHeaders {
  const limit = Math.min(raw.length, MAX_HEADER_BLOCK_BYTES);
  const received: string[] = [];
  let truncated = 0;
  let fieldCount = 0;
  let end = limit;
  let cut = raw.length > MAX_HEADER_BLOCK_BYTES;
  // Skip an mbox "From " envelope line if present.
  let i = 0;
  if (raw.length >= 5 && raw.toString('latin1', 0, 5) === 'From ') {
    const nl = raw.indexOf(0x0a);
    i = nl === -1 ? limit : nl + 1;
  }
  let curStart = -1; // start of the value of the Received field being collected
  let curEnd = -1;
  const flush = (): void => {
    if (curStart === -1) return;
    if (received.length < MAX_RECEIVED_HEADERS) received.push(unfold(decode(raw, curStart, curEnd)));
    else truncated++;
    curStart = -1;
  };
  let looks = false;
  while (i < limit) {
    let nl = raw.indexOf(0x0a, i);
    if (nl === -1 || nl >= limit) nl = limit;
    let lineEnd = nl;
    if (lineEnd > i && raw[lineEnd - 1] === 0x0d) lineEnd--;
    if (lineEnd === i) {
      // Blank line: end of headers.
      end = i;
      cut = false;
      break;
    }
    const c = raw[i] as number;
    if (c === 0x20 || c === 0x09) {
      if (curStart !== -1) curEnd = lineEnd; // continuation of the current Received
    } else {
      flush();
      const colon = raw.indexOf(0x3a, i);
      if (colon !== -1 && colon < lineEnd && colon > i) {
        fieldCount++;
        looks = true;
      }
      if (isReceived(raw, i, lineEnd)) {
        curStart = raw.indexOf(0x3a, i) + 1;
        curEnd = lineEnd;
      }
    }
    i = nl + 1;
  }
  flush();
  return { received, truncated, headerCut: cut, headerBytes: end, fieldCount, looksLikeHeaders: looks };
}

/** Unfolds a multi-line value: line breaks and runs of whitespace become one space. */
function unfold(s: string): string {
  // Most values are one line with single spaces: skip the regex then.
  let simple = s.length > 0 && s.charCodeAt(0) !== 32 && s.charCodeAt(s.length - 1) !== 32;
  for (let i = 0, prev = 0; simple && i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 13 || c === 10 || c === 9 || (c === 32 && prev === 32)) simple = false;
    prev = c;
  }
  return simple ? s : s.replace(/[\r\n\t ]+/g, ' ').trim();
}

/** The Received values of a raw message, top first (bounded; see extractHeaders for the counts). */
export function extractReceived(raw: Buffer): string[] {
  return extractHeaders(raw).received;
}
