// Writes the archive fixtures the import/replay tests use (our own messages, plus deliberately broken entries).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function msg(n: number, extra = ''): string {
  return `Return-Path: <bounce${n}@sender.example>\nFrom: Sender ${n} <s${n}@sender.example>\nTo: trap${n}@trap.example\nCc: other@trap.example\nSubject: fixture ${n}\nMessage-ID: <fixture-${n}@sender.example>\n\nBody of message ${n}.\n${extra}`;
}

/**
 * An mbox with 4 good messages (one with mboxrd-quoted "From " lines), one empty entry, one entry
 * without headers and one without a header/body separator: 7 entries.
 */
export const MBOX = [
  'From s1@sender.example Sat Jan  1 00:00:00 2022',
  msg(1, '>From the body, quoted once\n>>From quoted twice\n'),
  'From s2@sender.example Sat Jan  1 00:00:01 2022',
  msg(2),
  'From empty@x Sat Jan  1 00:00:02 2022',
  '',
  'From junk@x Sat Jan  1 00:00:03 2022',
  'this is not a header line\njust text\n',
  'From nosep@x Sat Jan  1 00:00:04 2022',
  'Subject: only headers\nFrom: a@b.example\n',
  'From s3@sender.example Sat Jan  1 00:00:05 2022',
  msg(3),
  'From s4@sender.example Sat Jan  1 00:00:06 2022',
  msg(4),
].join('\n');

export interface Fixtures {
  root: string;
  mbox: string;
  maildir: string;
  emlDir: string;
}

export function writeFixtures(): Fixtures {
  const root = mkdtempSync(join(tmpdir(), 'spamtrap-archive-'));
  const mbox = join(root, 'traps.mbox');
  writeFileSync(mbox, MBOX);
  const maildir = join(root, 'Maildir');
  for (const d of ['cur', 'new', 'tmp']) mkdirSync(join(maildir, d), { recursive: true });
  writeFileSync(join(maildir, 'cur', '1700000000.1.host:2,S'), msg(10).replace(/\n/g, '\r\n'));
  writeFileSync(join(maildir, 'new', '1700000001.2.host'), msg(11));
  writeFileSync(join(maildir, 'tmp', '1700000002.3.host'), msg(12)); // in delivery: skipped
  const emlDir = join(root, 'eml');
  mkdirSync(join(emlDir, 'sub'), { recursive: true });
  writeFileSync(join(emlDir, 'a.eml'), msg(20));
  writeFileSync(join(emlDir, 'sub', 'b'), msg(21));
  writeFileSync(join(emlDir, 'dup.eml'), msg(20)); // same bytes as a.eml
  writeFileSync(join(emlDir, 'empty.eml'), '');
  writeFileSync(join(emlDir, 'junk.bin'), Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0a, 0x00, 0x00, 0x41]));
  writeFileSync(join(emlDir, 'nul.eml'), 'Subject: has a NUL\0 in the header\n\nbody\n');
  writeFileSync(join(emlDir, 'big.eml'), msg(22, 'x'.repeat(50_000)));
  writeFileSync(join(emlDir, '.hidden'), msg(23));
  return { root, mbox, maildir, emlDir };
}
