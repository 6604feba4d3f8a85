// CLI contract tests for `spamtrap received --json` and `spamtrap explain` (real files in a temp dir, captured stdio).
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { parseReceived } from '@spamtrap/received';
import { hopJson } from '../src/explain/render.js';
import { main } from '../src/main.js';

async function run(argv: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await main(argv, { stdout, stderr, stdin: Readable.from([Buffer.from(stdin)]), env: {}, cwd: process.cwd() });
  return { code, out, err };
}

describe('spamtrap received --json', () => {
  it('writes exactly the contract keys, one object per input line, in order, empty line included', async () => {
    const input = [
      'from mail.example.org (mail.example.org [192.0.2.10]) by mx.example.net (Postfix) with ESMTPSA id 1; Tue, 14 Feb 2023 12:59:45 +0000',
      '',
      '(qmail 1 invoked by uid 2); 14 Feb 2023 12:59:45 -0000',
      'garbage \u0000 text',
    ].join('\r\n') + '\n';
    const { code, out } = await run(['received', '--json'], input);
    assert.equal(code, 0);
    const lines = out.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, 4);
    assert.deepEqual(Object.keys(lines[0] as object), ['kind', 'ip', 'helo', 'rdns', 'by', 'with', 'auth', 'tls']);
    assert.deepEqual(lines[0], { kind: 'relay', ip: '192.0.2.10', helo: 'mail.example.org', rdns: 'mail.example.org', by: 'mx.example.net', with: 'ESMTPSA', auth: true, tls: true });
    assert.equal(lines[1]?.kind, 'unparsed');
    assert.equal(lines[2]?.kind, 'ignored');
    assert.equal(lines[3]?.kind, 'unparsed');
  });
  it('rejects unknown arguments with exit 2', async () => {
    assert.equal((await run(['received', '--bogus'])).code, 2);
  });
});

describe('hopJson', () => {
  it('writes exactly what JSON.stringify writes for parsed hops (escaping, nulls, flags)', () => {
    const lines = [
      'from a "quoted" \\ name (rdns.example [192.0.2.1] (may be forged)) by mx (8.14.7/8.14.7) with ESMTP id x; Mon, 30 Feb 2009 10:00:00 +0000',
      'from h\u00e9llo\u2028 (x [2001:db8::1]) by y with ESMTPSA; Tue, 14 Feb 2023 12:59:45 +0000',
      '(qmail 1 invoked by uid 2); 14 Feb 2023 12:59:45 -0000',
      '',
    ];
    for (const l of lines) {
      const h = parseReceived(l);
      assert.equal(hopJson(h), JSON.stringify(h));
    }
  });
  it('matches JSON.stringify on arbitrary and header-shaped text (fields written without an escape check included)', () => {
    const parts = fc.constantFrom('from ', 'by ', 'with ', 'id ', 'for ', '(', ')', '[', ']', '; ', ' ', '"', '\\', '\u0001', '\u2028', '\ud800', 'é', '😀',
      'helo=', '192.0.2.1', '2001:db8::1', 'IPv6:', 'ESMTPSA', 'Postfix', 'Exim 4.96', 'Microsoft SMTP Server', 'Tue, 14 Feb 2023 12:59:45 +0000', 'local', 'LMTP');
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.array(parts, { maxLength: 40 }).map((a) => a.join(''))), (l) => {
      const h = parseReceived(l);
      assert.equal(hopJson(h), JSON.stringify(h));
    }), { numRuns: 3000 });
  });
});

describe('spamtrap explain', () => {
  const dir = mkdtempSync(join(tmpdir(), 'explain-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const msg = [
    'Received: from localhost (localhost [127.0.0.1]) by in1.mx.example.net (Postfix) with ESMTP id A;',
    '\tTue, 14 Feb 2023 12:59:47 +0000',
    'Received: from relay.example.org (relay.example.org [93.184.216.34]) by in1.mx.example.net (Postfix)',
    '\twith ESMTPS id B; Tue, 14 Feb 2023 12:59:46 +0000',
    'Received: from bot (unknown [203.0.113.5]) by relay.example.org (Postfix) with SMTP id C; Tue, 14 Feb 2023 12:59:45 +0000',
    'Subject: test',
    '',
    'body',
  ].join('\r\n');
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'a.eml'), msg);
  writeFileSync(join(dir, 'sub', 'b.bin'), Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 31) % 7)));
  writeFileSync(join(dir, 'sub', 'c.txt'), 'just some text without any header\nsecond line\n');
  writeFileSync(join(dir, 'sub', 'd.empty'), '');

  it('--json gives one line per file, bad files included, and the relay from the trusted header', async () => {
    const { code, out } = await run(['explain', '--json', '--trusted', '*.mx.example.net', dir]);
    assert.equal(code, 0);
    const lines = out.trimEnd().split('\n').map((l) => JSON.parse(l) as { file: string; relay: unknown; hops: unknown[]; reasons: { code: string }[]; error: string | null });
    assert.equal(lines.length, 4);
    const a = lines[0];
    assert.equal(a?.file, join(dir, 'a.eml'));
    assert.deepEqual(a?.relay, { ip: '93.184.216.34', helo: 'relay.example.org', rdns: 'relay.example.org', by: 'in1.mx.example.net', index: 1 });
    assert.equal(a?.hops.length, 3);
    const codes = lines.slice(1).map((l) => l.reasons[0]?.code);
    assert.deepEqual(codes, ['INPUT_BINARY', 'INPUT_NO_HEADERS', 'INPUT_EMPTY']);
    for (const l of lines.slice(1)) assert.equal(l.relay, null);
  });

  it('a missing path yields an error line and the run goes on; stdin works with -', async () => {
    const { code, out } = await run(['explain', '--json', '--trusted', '*.mx.example.net', join(dir, 'nope.eml'), '-'], msg);
    assert.equal(code, 0);
    const [missing, stdin] = out.trimEnd().split('\n').map((l) => JSON.parse(l) as { relay: { ip: string } | null; reasons: { code: string }[] });
    assert.equal(missing?.reasons[0]?.code, 'INPUT_UNREADABLE');
    assert.equal(stdin?.relay?.ip, '93.184.216.34');
  });

  it('session facts make the peer the relay', async () => {
    const { out } = await run(['explain', '--json', '--trusted', '*.mx.example.net', '--peer-ip', '198.51.100.9', '--helo', 'relay.example.org', join(dir, 'a.eml')]);
    const line = JSON.parse(out) as { relay: { ip: string; index: number }; reasons: { code: string }[] };
    assert.equal(line.relay.ip, '198.51.100.9');
    assert.equal(line.relay.index, -1);
    assert.ok(line.reasons.some((r) => r.code === 'FORGED_OWN_HEADER'));
  });

  it('text output shows the table, boundary, relay and reasons', async () => {
    const { out } = await run(['explain', '--trusted', '*.mx.example.net', join(dir, 'a.eml')]);
    assert.match(out, /role\s+kind\s+from-ip/);
    assert.match(out, /boundary: hop 1/);
    assert.match(out, /relaying hop: 93\.184\.216\.34/);
    assert.match(out, /claimed upstream IPs \(never nominated\): 203\.0\.113\.5/);
  });

  it('--jobs 2 on a large run gives the same lines in the same order as one thread', async () => {
    const big = join(dir, 'big');
    mkdirSync(big);
    for (let i = 0; i < 2100; i++) {
      const m = msg.replace('93.184.216.34', `93.184.${Math.floor(i / 250)}.${i % 250}`);
      writeFileSync(join(big, `m${String(i).padStart(5, '0')}.eml`), i % 700 === 0 ? 'not a message' : m);
    }
    const one = await run(['explain', '--json', '--jobs', '1', '--trusted', '*.mx.example.net', big]);
    const two = await run(['explain', '--json', '--jobs', '2', '--trusted', '*.mx.example.net', big]);
    assert.equal(two.code, 0);
    assert.equal(two.out, one.out);
    assert.equal(one.out.trimEnd().split('\n').length, 2100);
  });

  it('bad trust entries and missing paths are usage errors (exit 2)', async () => {
    const bad = await run(['explain', '--trusted', '10.0.0.0/40', dir]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /longer than 32 bits/);
    assert.equal((await run(['explain', '--json'])).code, 2);
  });
});
