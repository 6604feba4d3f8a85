// Removes headers no mail fact needs (Received, DKIM/ARC signatures) before mailparser sees the message.
// Why: on small spam the header block is most of the bytes and mailparser decodes every header; the
// Received chain is parsed by @spamtrap/received from the raw bytes anyway. Saves ~20% of parse time.

/**
 * Lower-case names of headers dropped before MIME parsing. None feeds a MailFacts field; they are
 * still counted in `headerCount`, and the raw message (with them) travels on unchanged.
 */
export const UNPARSED_HEADERS: ReadonlySet<string> = new Set([
  'received',
  'dkim-signature',
  'x-google-dkim-signature',
  'domainkey-signature',
  'arc-seal',
  'arc-message-signature',
  'arc-authentication-results',
  'authentication-results',
]);

/** Longest header name compared (longer names are never in the set). */
const MAX_NAME = 32;

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const TAB = 0x09;
const COLON = 0x3a;

/** The header name of the line at `start` (lower-case), or null when the line has no `Name:` form. */
function lineName(raw: Buffer, start: number, end: number): string | null {
  const stop = Math.min(end, start + MAX_NAME + 1);
  let i = start;
  while (i < stop && raw[i] !== COLON && raw[i] !== SP && raw[i] !== TAB) i++;
  if (i === start || i >= stop) return null;
  let j = i;
  while (j < stop && (raw[j] === SP || raw[j] === TAB)) j++; // obsolete "Name :" form
  if (raw[j] !== COLON) return null;
  return raw.toString('latin1', start, i).toLowerCase();
}

/**
 * `raw` without the header fields in `names` (continuation lines included). Only the top-level
 * header block is touched, found by its first empty line within `maxHeadBytes`; when there is no
 * such line the message is returned as is (mailparser then reports whatever is wrong).
 */
export function dropHeaders(raw: Buffer, names: ReadonlySet<string>, maxHeadBytes: number): { message: Buffer; dropped: number } {
  const limit = Math.min(raw.length, maxHeadBytes);
  const keep: Buffer[] = [];
  let keptFrom = 0;
  let dropping = false;
  let dropped = 0;
  let pos = 0;
  while (pos < limit) {
    const nl = raw.indexOf(LF, pos);
    if (nl < 0 || nl >= limit) return { message: raw, dropped: 0 };
    const first = raw[pos];
    if (nl === pos || (first === CR && nl === pos + 1)) {
      // End of the header block.
      if (dropped === 0) return { message: raw, dropped: 0 };
      if (!dropping) keep.push(raw.subarray(keptFrom, pos));
      keep.push(raw.subarray(pos));
      return { message: Buffer.concat(keep), dropped };
    }
    const continuation = first === SP || first === TAB;
    if (!continuation) {
      const name = lineName(raw, pos, nl);
      const drop = name !== null && names.has(name);
      if (drop && !dropping) {
        keep.push(raw.subarray(keptFrom, pos));
        dropping = true;
      } else if (!drop && dropping) {
        keptFrom = pos;
        dropping = false;
      }
      if (drop) dropped++;
    }
    pos = nl + 1;
  }
  return { message: raw, dropped: 0 };
}
