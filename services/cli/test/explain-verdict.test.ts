// `spamtrap explain` with the verdict: the parser's and enricher's own code decide, DNS only on request.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { main } from '../src/main.js';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await main(argv, { stdout, stderr, stdin: Readable.from([]), env: {}, cwd: process.cwd() });
  return { code, out, err };
}

const RELAYED = [
  'Received: from mail.oldrelay.example (mail.oldrelay.example [46.23.81.15])',
  '\tby mx1.trap.example (Postfix) with ESMTP id 9ZZ; Sun, 22 Nov 2026 10:00:05 +0000',
  'Received: from pc-7781 (dsl-94-23-17-201.dyn.isp.example [94.23.17.201])',
  '\tby mail.oldrelay.example (Postfix) with SMTP id 4XyZ; Sun, 22 Nov 2026 10:00:00 +0000',
  'From: <offers@pills.example>',
  'To: <sales@trap.example>',
  'Subject: Cheap meds',
  'Message-ID: <x@pills.example>',
  '',
  'http://pills.example/buy',
  '',
].join('\r\n');

const RESERVED_PEER = ['From: <a@b.example>', 'Subject: hi', '', 'body', ''].join('\r\n');

describe('spamtrap explain verdicts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'explain-verdict-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const relayed = join(dir, 'relayed.eml');
  const reserved = join(dir, 'reserved.eml');
  writeFileSync(relayed, RELAYED);
  writeFileSync(reserved, RESERVED_PEER);

  it('text output shows the verdict, the nomination and the reasons; DNS is skipped unless asked', async () => {
    const { code, out } = await run(['explain', '--trusted', 'mx1.trap.example', relayed]);
    assert.equal(code, 0);
    assert.match(out, /verdict: open_relay_suspect \(confidence /);
    assert.match(out, /nominated: 46\.23\.81\.15 \(key 46\.23\.81\.15\), probe job kind relay/);
    assert.match(out, /THIRD_PARTY_HANDOFF/);
    assert.match(out, /DNS_SKIPPED/);
    assert.doesNotMatch(out, /nominated: 94\.23\.17\.201/, 'a claimed upstream IP is never nominated');
  });

  it('--json keeps the contract keys unless --verdict adds a verdict member', async () => {
    const plain = JSON.parse((await run(['explain', '--json', '--trusted', 'mx1.trap.example', relayed])).out) as Record<string, unknown>;
    assert.deepEqual(Object.keys(plain).slice(0, 4), ['file', 'relay', 'hops', 'reasons']);
    assert.equal('verdict' in plain, false);
    const withVerdict = JSON.parse((await run(['explain', '--json', '--verdict', '--trusted', 'mx1.trap.example', relayed])).out) as { verdict: { class: string; nomination: { ip: string; probe: string } } };
    assert.equal(withVerdict.verdict.class, 'open_relay_suspect');
    assert.equal(withVerdict.verdict.nomination.ip, '46.23.81.15');
    assert.equal(withVerdict.verdict.nomination.probe, 'relay');
  });

  it('a session peer in a reserved range is never nominated, whatever the class', async () => {
    for (const peer of ['192.0.2.55', '10.1.2.3', '::ffff:127.0.0.1', '2001:db8::1']) {
      const { out } = await run(['explain', '--json', '--verdict', '--peer-ip', peer, '--helo', 'x.example', reserved]);
      const v = (JSON.parse(out) as { verdict: { nomination: unknown } }).verdict;
      assert.equal(v.nomination, null, `${peer} must not be nominated`);
    }
  });

  it('--dns without a verdict is a usage error', async () => {
    const { code, err } = await run(['explain', '--no-verdict', '--dns', relayed]);
    assert.equal(code, 2);
    assert.match(err, /--dns is for the verdict/);
  });
});
