// Archive readers: mbox splitting and unquoting, Maildir and .eml folders, malformed entries, envelopes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectFormat, envelopeOf, malformedReason, readArchive, ImportJournal, type ArchiveEntry } from '../src/archive/index.js';
import { msg, writeFixtures } from './archive-fixtures.js';

async function all(path: string, opts: { maxBytes?: number; variant?: 'mboxrd' | 'mboxo' } = {}): Promise<ArchiveEntry[]> {
  const out: ArchiveEntry[] = [];
  for await (const e of readArchive(path, 'auto', { maxBytes: opts.maxBytes ?? 1_000_000, mboxVariant: opts.variant ?? 'mboxrd' })) out.push(e);
  return out;
}

test('mbox: entries split on From lines, mboxrd unquoting, malformed entries with reasons', async () => {
  const f = writeFixtures();
  try {
    assert.equal(await detectFormat(f.mbox), 'mbox');
    const es = await all(f.mbox);
    assert.deepEqual(es.map((e) => (e.ok ? 'ok' : e.reason)), ['ok', 'ok', 'empty', 'no_headers', 'no_separator', 'ok', 'ok']);
    assert.deepEqual(es.map((e) => e.entry), [0, 1, 2, 3, 4, 5, 6]);
    const first = es[0]!;
    assert.ok(first.ok);
    const text = first.bytes.toString();
    assert.ok(text.startsWith('Return-Path: <bounce1@sender.example>\n'));
    assert.ok(text.includes('\nFrom the body, quoted once\n>From quoted twice\n'), text);
    assert.ok(!text.includes('From s2@'), 'the next separator is not part of the message');
    assert.ok(text.endsWith('Body of message 1.\n>From quoted twice\n') || text.endsWith('quoted twice\n'));
    const o = (await all(f.mbox, { variant: 'mboxo' }))[0]!;
    assert.ok(o.ok && o.bytes.toString().includes('\nFrom the body, quoted once\n>>From quoted twice\n'));
  } finally {
    rmSync(f.root, { recursive: true, force: true });
  }
});

test('mbox: an entry over the size limit is reported, not held', async () => {
  const f = writeFixtures();
  try {
    const es = await all(f.mbox, { maxBytes: 150 });
    assert.ok(es.filter((e) => !e.ok && e.reason.startsWith('oversize')).length >= 4);
  } finally {
    rmSync(f.root, { recursive: true, force: true });
  }
});

test('Maildir reads cur/ and new/, never tmp/', async () => {
  const f = writeFixtures();
  try {
    assert.equal(await detectFormat(f.maildir), 'maildir');
    const es = await all(f.maildir);
    assert.equal(es.length, 2);
    assert.ok(es.every((e) => e.ok && e.format === 'maildir' && e.entry === null));
    assert.ok(es.some((e) => e.ok && e.bytes.toString().includes('\r\n')), 'bytes are kept as stored');
  } finally {
    rmSync(f.root, { recursive: true, force: true });
  }
});

test('.eml folders: recursive, hidden files skipped, malformed and oversize reported', async () => {
  const f = writeFixtures();
  try {
    const es = await all(f.emlDir, { maxBytes: 10_000 });
    const byName = new Map(es.map((e) => [e.file.slice(f.emlDir.length + 1), e.ok ? 'ok' : e.reason]));
    assert.deepEqual(Object.fromEntries(byName), {
      'a.eml': 'ok',
      'big.eml': 'oversize (> 10000 bytes)',
      'dup.eml': 'ok',
      'empty.eml': 'empty',
      'junk.bin': 'no_headers',
      'nul.eml': 'binary',
      'sub/b': 'ok',
    });
  } finally {
    rmSync(f.root, { recursive: true, force: true });
  }
});

test('malformedReason edge cases', () => {
  assert.equal(malformedReason(Buffer.from(msg(1))), null);
  assert.equal(malformedReason(Buffer.from('Subject: x\r\n\r\n')), null, 'header-only with its empty line is fine');
  assert.equal(malformedReason(Buffer.from('  \n\t\n')), 'empty');
  assert.equal(malformedReason(Buffer.from('Subject: x\n')), 'no_separator');
  assert.equal(malformedReason(Buffer.from('\x00\x01\x02: x\n\nbody')), 'no_headers');
});

test('envelope from Return-Path / From and To + Cc, overrides win', () => {
  assert.deepEqual(envelopeOf(Buffer.from(msg(5))), { from: 'bounce5@sender.example', to: ['trap5@trap.example', 'other@trap.example'] });
  assert.deepEqual(envelopeOf(Buffer.from('Return-Path: <>\nFrom: a@b.example\nTo: "T, x" <t@trap.example>,\n u@trap.example\n\nb')), { from: '', to: ['t@trap.example', 'u@trap.example'] });
  assert.deepEqual(envelopeOf(Buffer.from('From: a@b.example\nTo: t@trap.example\n\nb')).from, 'a@b.example');
  assert.deepEqual(envelopeOf(Buffer.from(msg(5)), { from: 'x@y.example', to: ['z@trap.example'] }), { from: 'x@y.example', to: ['z@trap.example'] });
});

test('import journal persists sha256 per archive and topic', () => {
  const f = writeFixtures();
  try {
    const dir = join(f.root, 'state');
    const j = new ImportJournal(dir, '/a', 't');
    const sha = 'a'.repeat(64);
    assert.equal(j.has(sha), false);
    j.add([sha]);
    assert.equal(new ImportJournal(dir, '/a', 't').has(sha), true);
    assert.equal(new ImportJournal(dir, '/a', 'other-topic').has(sha), false);
    writeFileSync(j.file, 'garbage\n' + sha + '\n');
    assert.equal(new ImportJournal(dir, '/a', 't').size, 1);
  } finally {
    rmSync(f.root, { recursive: true, force: true });
  }
});
