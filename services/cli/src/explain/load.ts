// Loads messages for `spamtrap explain`: expands paths (files, directories, `-` for stdin) and reads header bytes.
import { closeSync, openSync, readSync, readdirSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { MAX_HEADER_BLOCK_BYTES } from '@spamtrap/received';

/**
 * Bytes read per message: the header block cap plus 64 KiB of slack. explain only needs headers, so a
 * 2 GB attachment costs no more than a short message.
 */
export const MAX_READ_BYTES = MAX_HEADER_BLOCK_BYTES + 65_536;

/** Directory entries visited per run (1,000,000): bounds a run over a mistaken path such as `/`. */
export const MAX_FILES = 1_000_000;

/** One input: its name and either the leading bytes or why it could not be read. */
export type Loaded = { file: string; raw: Buffer; error?: undefined } | { file: string; raw?: undefined; error: string };

/**
 * Expands PATH arguments into file names in a stable (sorted) order; `-` stays `-`. Missing paths are kept to report them.
 * Directory entries are typed by readdir itself (d_type), so a big directory costs no stat per file; only
 * symbolic links and entries of unknown type are stat'ed to learn what they point at. Names are appended to `out`,
 * and `onAdd` is called after each (explain hands chunks to its workers while the listing goes on).
 */
export function expandPaths(paths: string[], out: string[] = [], onAdd?: () => void): string[] {
  const push = (p: string): void => {
    out.push(p);
    onAdd?.();
  };
  const walkDir = (dir: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      push(dir);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (out.length >= MAX_FILES) return;
      const p = join(dir, e.name);
      if (e.isDirectory()) walkDir(p);
      else if (e.isFile()) push(p);
      else walk(p);
    }
  };
  const walk = (p: string): void => {
    if (out.length >= MAX_FILES) return;
    let st;
    try {
      st = statSync(p);
    } catch {
      push(p);
      return;
    }
    if (st.isDirectory()) walkDir(p);
    else push(p);
  };
  for (const p of paths) {
    if (p === '-') push('-');
    else walk(p);
  }
  return out;
}

/**
 * True when PATH arguments may expand to a large run: many of them, or a directory among them (one stat each;
 * arguments past the threshold are not looked at).
 */
export function mayBeLarge(paths: string[], threshold = 2000): boolean {
  if (paths.length >= threshold) return true;
  for (const p of paths) {
    if (p === '-') continue;
    try {
      if (statSync(p).isDirectory()) return true;
    } catch {
      // missing: reported later as an error line
    }
  }
  return false;
}

/** First read per file (64 KiB): covers a whole typical message, so most files cost open + one read + close. */
const FIRST_READ_BYTES = 65_536;

/** One scratch buffer for all reads (allocated on first use); each result is copied out at its exact size. */
let scratch: Buffer | null = null;

/**
 * Reads up to MAX_READ_BYTES of one file; never throws. With `borrow`, `raw` is a view of a shared scratch buffer
 * that the next call overwrites: for callers that finish with the message before reading the next one. It saves
 * a copy and, more, an off-heap allocation per file, which made V8 collect garbage far more often.
 */
export function loadFile(file: string, borrow = false): Loaded {
  let fd: number | null = null;
  try {
    fd = openSync(file, 'r');
    scratch ??= Buffer.allocUnsafe(MAX_READ_BYTES);
    let got = 0;
    let ask = FIRST_READ_BYTES;
    while (got < MAX_READ_BYTES) {
      const n = readSync(fd, scratch, got, Math.min(ask, MAX_READ_BYTES - got), null);
      got += n;
      // A regular file returns less than asked only at its end; then the next read would return 0.
      if (n < ask) break;
      ask = MAX_READ_BYTES - got;
    }
    const view = scratch.subarray(0, got);
    return { file, raw: borrow ? view : Buffer.from(view) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    return { file, error: `cannot read: ${code === 'EISDIR' ? 'is a directory' : code}` };
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** Reads stdin fully but keeps only the first MAX_READ_BYTES. */
export async function loadStdin(stdin: NodeJS.ReadableStream): Promise<Loaded> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk);
    if (size < MAX_READ_BYTES) {
      chunks.push(b);
      size += b.length;
    }
  }
  return { file: '-', raw: Buffer.concat(chunks).subarray(0, MAX_READ_BYTES) };
}
