// Readers for one-message-per-file archives (.eml folders, Maildir) and the format detection.
import { open, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ArchiveEntry, ArchiveFormat, ReadOptions } from './types.js';
import { readMbox, type MboxVariant } from './mbox.js';
import { malformedReason } from './validate.js';

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** maildir when cur/ or new/ exists; eml for other folders; mbox for a file starting "From ", else eml. */
export async function detectFormat(path: string): Promise<ArchiveFormat> {
  if (await isDir(path)) return (await isDir(join(path, 'cur'))) || (await isDir(join(path, 'new'))) ? 'maildir' : 'eml';
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(5);
    const { bytesRead } = await fh.read(buf, 0, 5, 0);
    return bytesRead === 5 && buf.toString('latin1') === 'From ' ? 'mbox' : 'eml';
  } finally {
    await fh.close();
  }
}

/** Regular, non-hidden files under `dir`, recursively, sorted (deterministic entry order). */
async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

async function readOne(file: string, archive: string, format: ArchiveFormat, opts: ReadOptions): Promise<ArchiveEntry> {
  const base = { archive, format, file, entry: null };
  const st = await stat(file);
  if (st.size > opts.maxBytes) return { ...base, ok: false, reason: `oversize (> ${opts.maxBytes} bytes)` };
  const { readFile } = await import('node:fs/promises');
  const bytes = await readFile(file);
  const why = malformedReason(bytes);
  return why === null ? { ...base, ok: true, bytes } : { ...base, ok: false, reason: why };
}

/**
 * Every entry of one archive path. eml: every regular non-hidden file below the folder (archives often
 * lack the .eml extension), or the file itself. Maildir: cur/ and new/ (tmp/ holds deliveries in progress,
 * incomplete by definition, and is skipped).
 */
export async function* readArchive(path: string, format: ArchiveFormat | 'auto', opts: ReadOptions & { mboxVariant?: MboxVariant }): AsyncGenerator<ArchiveEntry> {
  const archive = resolve(path);
  const fmt = format === 'auto' ? await detectFormat(archive) : format;
  if (fmt === 'mbox') {
    yield* readMbox(archive, archive, { maxBytes: opts.maxBytes, variant: opts.mboxVariant ?? 'mboxrd' });
    return;
  }
  if (fmt === 'maildir') {
    for (const sub of ['cur', 'new']) {
      if (!(await isDir(join(archive, sub)))) continue;
      for (const f of await listFiles(join(archive, sub))) yield await readOne(f, archive, 'maildir', opts);
    }
    return;
  }
  if (await isDir(archive)) {
    for (const f of await listFiles(archive)) yield await readOne(f, archive, 'eml', opts);
  } else {
    yield await readOne(archive, archive, 'eml', opts);
  }
}
