// Tests for explain's fast paths: the bundle cache behind `bin/spamtrap.js`, chunked output, borrowed reads and path expansion.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { compileTrustList } from '@spamtrap/received';
import { cachedBundle } from '@spamtrap/cli/bundle-cache';
import { explainOne } from '../src/explain/analyse.js';
import { expandPaths, loadFile } from '../src/explain/load.js';
import { toJsonLine } from '../src/explain/render.js';
import { startPool } from '../src/explain/pool.js';
import { explainChunk } from '../src/explain/worker.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '../bin/spamtrap.js');
const dir = mkdtempSync(join(tmpdir(), 'spamtrap-explain-fast-'));
/** Bundle caches must lie below the repository (their npm imports resolve from there): a private one per run. */
const cacheRoot = join(dirname(fileURLToPath(import.meta.url)), '../../../node_modules/.cache', `spamtrap-bundles-test-${process.pid}`);
after(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(cacheRoot, { recursive: true, force: true });
});

const msg = (i: number, helo = 'client.example.org'): string =>
  [
    `Received: from mx1.mx.example.net (mx1.mx.example.net [198.51.100.7]) by mx2.mx.example.net (Postfix) with ESMTP id A${i}; Tue, 14 Feb 2023 13:00:00 +0000`,
    `Received: from ${helo} (unknown [93.184.216.${i % 250}]) by mx1.mx.example.net (Postfix) with ESMTP id B${i}; Tue, 14 Feb 2023 12:59:59 +0000`,
    'Subject: test',
    '',
    'body',
    '',
  ].join('\r\n');

describe('bundle cache (bin/bundle-cache.js)', () => {
  const cache = join(cacheRoot, 'unit');
  const src = join(dir, 'src');
  mkdirSync(src);
  const entry = join(src, 'entry.ts');
  const dep = join(src, 'dep.ts');

  it('builds once, reuses while the inputs are unchanged, rebuilds when one changes', async () => {
    process.env.SPAMTRAP_BUNDLE_CACHE = cache;
    try {
      writeFileSync(dep, 'export const value: number = 1;\n');
      writeFileSync(entry, "import { value } from './dep.ts';\nexport const answer = (): number => value + 1;\n");
      // Inputs edited within the last second are not recorded (they could change under the build): age them.
      const old = new Date(Date.now() - 60_000);
      utimesSync(dep, old, old);
      utimesSync(entry, old, old);
      const first = await cachedBundle('t', entry);
      assert.ok(first !== null && existsSync(first));
      assert.equal(((await import(pathToFileURL(first).href)) as { answer(): number }).answer(), 2);
      assert.equal(await cachedBundle('t', entry), first, 'unchanged inputs reuse the bundle');

      writeFileSync(dep, 'export const value: number = 41;\n');
      utimesSync(dep, old, new Date(Date.now() - 30_000));
      const second = await cachedBundle('t', entry);
      assert.ok(second !== null && second !== first, 'a changed input gives a new bundle');
      assert.equal(((await import(pathToFileURL(second).href)) as { answer(): number }).answer(), 42);
      assert.ok(!existsSync(first), 'the superseded bundle is removed');
    } finally {
      delete process.env.SPAMTRAP_BUNDLE_CACHE;
    }
  });

  it('gives null (the caller falls back to tsx) when the entry does not build or bundling is off', async () => {
    process.env.SPAMTRAP_BUNDLE_CACHE = cache;
    try {
      const broken = join(src, 'broken.ts');
      writeFileSync(broken, "import { nothing } from './missing.ts';\nexport const x = nothing;\n");
      assert.equal(await cachedBundle('broken', broken), null);
      process.env.SPAMTRAP_NO_BUNDLE = '1';
      assert.equal(await cachedBundle('t', entry), null);
    } finally {
      delete process.env.SPAMTRAP_BUNDLE_CACHE;
      delete process.env.SPAMTRAP_NO_BUNDLE;
    }
  });
});

describe('bin/spamtrap.js: bundled and tsx runs agree', () => {
  const mail = join(dir, 'mail');
  mkdirSync(mail);
  for (let i = 0; i < 5; i++) writeFileSync(join(mail, `m${i}.eml`), msg(i));
  const runBin = (args: string[], env: Record<string, string>, input?: string): { status: number | null; out: string } => {
    const r = spawnSync(process.execPath, [bin, ...args], { input, encoding: 'utf8', env: { ...process.env, ...env } });
    return { status: r.status, out: r.stdout };
  };

  it('explain --json and received --json print the same bytes either way', () => {
    const cache = { SPAMTRAP_BUNDLE_CACHE: join(cacheRoot, 'bin') };
    const tsx = { SPAMTRAP_NO_BUNDLE: '1' };
    const explain = ['explain', '--json', '--trusted', '*.mx.example.net', mail];
    const a = runBin(explain, cache);
    const b = runBin(explain, tsx);
    assert.equal(a.status, 0);
    assert.equal(a.out, b.out);
    assert.equal(a.out.trimEnd().split('\n').length, 5);
    assert.ok(existsSync(join(cacheRoot, 'bin', 'command-explain.json')), 'the bundled run used the cache');
    const line = 'from a.example (a.example [192.0.2.1]) by mx.example.net with ESMTP id 1; Mon, 1 Jan 2024 00:00:00 +0000\n';
    const c = runBin(['received', '--json'], cache, line);
    const d = runBin(['received', '--json'], tsx, line);
    assert.equal(c.status, 0);
    assert.equal(c.out, d.out);
    assert.match(c.out, /"ip":"192\.0\.2\.1"/);
  });

  it('usage errors keep their exit code and message in the bundled run', () => {
    const r = spawnSync(process.execPath, [bin, 'explain', '--trusted', '10.0.0.0/40', mail], { encoding: 'utf8', env: { ...process.env, SPAMTRAP_BUNDLE_CACHE: join(cacheRoot, 'bin') } });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /longer than 32 bits/);
  });
});

describe('explainChunk', () => {
  const trusted = compileTrustList(['*.mx.example.net']);
  it('writes exactly the per-message JSON lines, with multi-byte text and a buffer that has to grow', () => {
    const files: string[] = [];
    for (let i = 0; i < 40; i++) {
      const f = join(dir, `chunk-${i}.eml`);
      // Non-ASCII HELOs (2-, 3- and 4-byte UTF-8) and one very long one force the output buffer past its first size.
      const helo = i === 7 ? `x${'é'.repeat(20_000)}` : i % 3 === 0 ? 'żółw.example' : i % 3 === 1 ? '例え.example' : 'a😀.example';
      writeFileSync(f, msg(i, helo));
      files.push(f);
    }
    files.push(join(dir, 'missing.eml'));
    const r = explainChunk({ id: 3, files, json: true, trusted: ['*.mx.example.net'] });
    const expected = files.map((f) => toJsonLine(explainOne(loadFile(f), { trusted })) + '\n').join('');
    assert.equal(Buffer.from(r.bytes).toString('utf8'), expected);
    assert.equal(r.id, 3);
    assert.equal(r.failed, 1);
  });

  it('a borrowed read is overwritten by the next one, a copied read is not', () => {
    const a = join(dir, 'borrow-a.eml');
    const b = join(dir, 'borrow-b.eml');
    writeFileSync(a, 'Subject: a\r\n\r\n');
    writeFileSync(b, 'Subject: b\r\n\r\n');
    const copied = loadFile(a);
    const borrowed = loadFile(a, true);
    loadFile(b, true);
    assert.equal(copied.raw?.toString(), 'Subject: a\r\n\r\n');
    assert.equal(borrowed.raw?.toString(), 'Subject: b\r\n\r\n');
  });
});

describe('expandPaths', () => {
  it('lists files sorted, recurses into directories and follows symbolic links', () => {
    const root = join(dir, 'tree');
    mkdirSync(join(root, 'sub'), { recursive: true });
    writeFileSync(join(root, 'b.eml'), 'x');
    writeFileSync(join(root, 'a.eml'), 'x');
    writeFileSync(join(root, 'sub', 'c.eml'), 'x');
    const other = join(dir, 'elsewhere');
    mkdirSync(other);
    writeFileSync(join(other, 'd.eml'), 'x');
    symlinkSync(other, join(root, 'link-dir'));
    symlinkSync(join(root, 'a.eml'), join(root, 'link-file.eml'));
    assert.deepEqual(expandPaths([root, '-', join(dir, 'nope')]), [
      join(root, 'a.eml'), join(root, 'b.eml'), join(root, 'link-dir', 'd.eml'), join(root, 'link-file.eml'), join(root, 'sub', 'c.eml'), '-', join(dir, 'nope'),
    ]);
    assert.equal(readFileSync(join(root, 'link-file.eml'), 'utf8'), 'x');
  });
});

describe('explain worker pool', () => {
  it('a worker that cannot start makes finish() reject instead of crashing or hanging', async () => {
    const pool = startPool(2, join(dir, 'no-such-worker.mjs'));
    pool.submit({ id: 0, files: [], json: true, trusted: [] });
    await assert.rejects(pool.finish(() => assert.fail('nothing should be emitted')));
  });

  it('emits chunks in submission order whatever order they finish in', async () => {
    const files = Array.from({ length: 30 }, (_, i) => {
      const f = join(dir, `order-${i}.eml`);
      // Uneven sizes so chunks finish out of order.
      writeFileSync(f, msg(i) + 'x'.repeat(i % 3 === 0 ? 200_000 : 10));
      return f;
    });
    const pool = startPool(2, null);
    for (let c = 0; c < 10; c++) pool.submit({ id: c, files: files.slice(c * 3, c * 3 + 3), json: true, trusted: ['*.mx.example.net'] });
    const ids: number[] = [];
    let text = '';
    await pool.finish((r) => {
      ids.push(r.id);
      text += Buffer.from(r.bytes).toString('utf8');
    });
    assert.deepEqual(ids, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(text.trimEnd().split('\n').map((l) => (JSON.parse(l) as { file: string }).file), files);
  });
});
