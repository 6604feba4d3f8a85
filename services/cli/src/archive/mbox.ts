// Streaming mbox reader (mboxrd and mboxo): splits on "From " separator lines and undoes ">From " quoting.
import { createReadStream } from 'node:fs';
import type { ArchiveEntry, ReadOptions } from './types.js';
import { malformedReason } from './validate.js';

export type MboxVariant = 'mboxrd' | 'mboxo';

/** Reading chunk size: big enough for throughput, small enough that a 1 GB mbox streams. */
const CHUNK_BYTES = 256 * 1024;

/**
 * Yields one entry per message. A separator is a line starting with "From " at the start of the file
 * or after an empty line (the blank line mbox writers put between messages is not part of the message).
 * Quoting: mboxrd writers add one ">" to every line matching /^>*From /, so one ">" is removed from
 * those lines; mboxo writers quote only "From " (ambiguous), so only /^>From / loses its ">".
 * Line ends are kept as in the file (no CRLF conversion: nothing is rewritten beyond the unquoting).
 */
export async function* readMbox(path: string, archive: string, opts: ReadOptions & { variant?: MboxVariant }): AsyncGenerator<ArchiveEntry> {
  const variant = opts.variant ?? 'mboxrd';
  const quoted = variant === 'mboxrd' ? /^>+From / : /^>From /;
  let lines: Buffer[] = [];
  let size = 0;
  let oversize = false;
  let index = -1; // no message started yet
  let prevEmpty = true;
  let carry = Buffer.alloc(0);

  const finish = (): ArchiveEntry | null => {
    if (index < 0) return null;
    // Drop the separating blank line that belongs to the mbox framing.
    const last = lines[lines.length - 1];
    if (last !== undefined && (last.length === 1 || (last.length === 2 && last[0] === 0x0d))) {
      lines.pop();
      size -= last.length;
    }
    const base = { archive, format: 'mbox' as const, file: path, entry: index };
    if (oversize) return { ...base, ok: false, reason: `oversize (> ${opts.maxBytes} bytes)` };
    const bytes = Buffer.concat(lines, size);
    const why = malformedReason(bytes);
    return why === null ? { ...base, ok: true, bytes } : { ...base, ok: false, reason: why };
  };

  const onLine = (line: Buffer): ArchiveEntry | null => {
    const isEmpty = line.length === 1 || (line.length === 2 && line[0] === 0x0d);
    if (prevEmpty && line.length >= 5 && line.subarray(0, 5).toString('latin1') === 'From ') {
      const done = finish();
      index++;
      lines = [];
      size = 0;
      oversize = false;
      prevEmpty = false;
      return done;
    }
    prevEmpty = isEmpty;
    if (index < 0) {
      // Bytes before the first separator: not an mbox message at all.
      index = 0;
    }
    let l = line;
    if (l[0] === 0x3e && quoted.test(l.subarray(0, 64).toString('latin1'))) l = l.subarray(1);
    if (oversize) return null;
    size += l.length;
    if (size > opts.maxBytes) {
      oversize = true;
      lines = [];
      return null;
    }
    lines.push(Buffer.from(l)); // copy: the chunk it points into is reused
    return null;
  };

  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
    let data = carry.length > 0 ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
    let start = 0;
    let nl: number;
    while ((nl = data.indexOf(0x0a, start)) !== -1) {
      const e = onLine(data.subarray(start, nl + 1));
      if (e !== null) yield e;
      start = nl + 1;
    }
    data = data.subarray(start);
    // An endless line cannot be held: cut it into pieces (it still counts towards the size limit).
    if (data.length > CHUNK_BYTES * 4) {
      const e = onLine(data);
      if (e !== null) yield e;
      data = Buffer.alloc(0);
    }
    carry = Buffer.from(data);
  }
  if (carry.length > 0) {
    const e = onLine(carry);
    if (e !== null) yield e;
  }
  const last = finish();
  if (last !== null) yield last;
}
