// Property tests: random bytes and random mutations of real-shaped messages never crash parseRecord or lose the raw copy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeParsed } from '@spamtrap/contracts';
import { extractMailFacts } from '@spamtrap/mail-facts';
import { createTrustResolver, parseRecord, type ParseContext } from '@spamtrap/parser';
import * as M from '../../../libs/mail-facts/test/messages.js';
import { spamAssassinSample } from '../../../libs/mail-facts/test/corpus.js';
import { rawIncoming, smtpFacts } from './fixtures.js';

const ctx: ParseContext = { parsedTopic: 'spamtrap.parsed', trust: createTrustResolver([], {}), maxParsedRecordBytes: 32 * 1024 * 1024 };
const seeds = [M.PLAIN, M.ALTERNATIVE, M.ATTACHMENTS, M.DSN, M.UNTERMINATED, M.ENCODED_SUBJECT];

/** A seed message with some bytes overwritten, some inserted and a random cut. */
const mutated = fc
  .record({
    seed: fc.integer({ min: 0, max: seeds.length - 1 }),
    writes: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 20 }),
    insert: fc.uint8Array({ maxLength: 64 }),
    at: fc.nat(),
    cut: fc.nat(),
  })
  .map(({ seed, writes, insert, at, cut }) => {
    const base = Buffer.from(seeds[seed]!);
    for (const [pos, byte] of writes) base[pos % base.length] = byte;
    const p = at % (base.length + 1);
    const joined = Buffer.concat([base.subarray(0, p), Buffer.from(insert), base.subarray(p)]);
    return joined.subarray(0, joined.length - (cut % Math.max(1, joined.length >> 2)));
  });

test('parseRecord: any bytes with valid facts give exactly one parsed record with the raw copy', async () => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(mutated, fc.uint8Array({ maxLength: 4096 }).map((a) => Buffer.from(a))), async (raw) => {
      const out = await parseRecord(rawIncoming(raw, smtpFacts(raw)), ctx);
      assert.equal(out.kind, 'ok');
      if (out.kind !== 'ok') return;
      const p = decodeParsed(out.outputs[0]!.value);
      assert.equal(Buffer.from(p.rawBase64, 'base64').equals(raw), true);
      assert.ok(p.mail !== null || p.issues.length > 0);
    }),
    { numRuns: 300, seed: 20261122 },
  );
});

test('mail facts of mutated messages: the split engine gives exactly what simpleParser gives', async () => {
  await fc.assert(
    fc.asyncProperty(mutated, async (raw) => {
      const a = await extractMailFacts(raw);
      const b = await extractMailFacts(raw, { engine: 'mailparser' });
      assert.deepEqual(a, b);
    }),
    { numRuns: 200, seed: 7 },
  );
});

test('parseRecord over a SpamAssassin corpus sample: one parsed record each, mail facts present', async () => {
  const sample = spamAssassinSample(10);
  let withHops = 0;
  for (const { name, raw } of sample) {
    const out = await parseRecord(rawIncoming(raw, smtpFacts(raw)), ctx);
    assert.equal(out.kind, 'ok', name);
    if (out.kind !== 'ok') continue;
    const p = decodeParsed(out.outputs[0]!.value);
    assert.ok(p.mail !== null, name);
    assert.equal(p.walk.relay?.source, 'session', `${name}: the session peer is the relay`);
    if (p.walk.hops.length > 0) withHops++;
  }
  assert.ok(withHops > sample.length * 0.95, `${withHops}/${sample.length} with a Received chain`);
});
