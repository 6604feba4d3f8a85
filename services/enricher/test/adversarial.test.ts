// Hostile input never crashes the stage: every record gets exactly one outcome (a verdict or a DLQ reason), and reasons stay bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { IncomingRecord } from '@spamtrap/kafka';
import { compilePolicy } from '@spamtrap/verdict';
import { createEnrichHandler, type EnrichContext } from '../src/index.js';
import { fakeDns, hop, parsedRecord } from './records.js';

const ctx: EnrichContext = {
  policy: compilePolicy({ ownNetworks: [], allowCidrs: [], allowProviderPatterns: ['*.big.example'], trapDomains: ['trap.example'], ourHosts: [] }),
  dns: fakeDns({ 'PTR 81.2.69.160': ['x'.repeat(300)] }),
  facts: { deadlineMs: 100, maxForwardNames: 2 },
};
const handler = createEnrichHandler(ctx, 'out');

function incoming(value: Buffer | string | null, offset = 0): IncomingRecord {
  return { topic: 'in', partition: 0, offset: String(offset), key: null, value: value === null ? null : Buffer.from(value), headers: {}, timestamp: '0' };
}

test('hostile but decodable records: NUL bytes, a 1 MB HELO, 5000 hops, wrong types deep inside', async () => {
  const nul = parsedRecord({ ip: '81.2.69.160', helo: 'evil\u0000.example\u0000' });
  const huge = parsedRecord({ ip: '81.2.69.160', helo: 'a.'.repeat(500_000) + 'example' });
  const many = parsedRecord({ ip: '81.2.69.160', hops: Array.from({ length: 5000 }, (_, i) => hop({ by: `h${i}.example`, fromIp: `81.2.${i % 250}.1` })) });
  const wrongIp = parsedRecord({ ip: '81.2.69.160' }) as unknown as { walk: { relay: { ip: unknown } } };
  wrongIp.walk.relay.ip = 12345;
  const wrongAnomalies = parsedRecord({ ip: '81.2.69.160' }) as unknown as { facts: { smtp: { anomalies: unknown } } };
  wrongAnomalies.facts.smtp.anomalies = 'EARLY_TALKER';
  const wrongHops = parsedRecord({ ip: '81.2.69.160' }) as unknown as { walk: { hops: unknown[] } };
  wrongHops.walk.hops = [null, 7, 'x'];
  const recs = [nul, huge, many, wrongIp, wrongAnomalies, wrongHops].map((r, i) => incoming(JSON.stringify(r), i));
  const out = await handler(recs);
  assert.equal(out.length, recs.length);
  const [a, b, c, d, e, f] = out;
  for (const o of [a, b, c]) {
    assert.equal(o!.kind, 'ok');
    if (o!.kind === 'ok') {
      const v = JSON.parse(String(o!.outputs[0]!.value)) as { reasons: { detail?: Record<string, unknown> }[] };
      for (const r of v.reasons) for (const val of Object.values(r.detail ?? {})) if (typeof val === 'string') assert.ok(val.length <= 256, val.slice(0, 50));
    }
  }
  // A non-string relay IP is judged (never nominated); wrongly typed fields deeper down go to the DLQ, not a crash.
  assert.equal(d!.kind, 'ok');
  if (d!.kind === 'ok') assert.equal(JSON.parse(String(d!.outputs[0]!.value)).nomination, null);
  for (const o of [e, f]) assert.ok(o!.kind === 'ok' || (o!.kind === 'dlq' && o!.reason === 'ENRICH_FAILED'), JSON.stringify(o));
});

test('arbitrary bytes and arbitrary JSON never throw out of the handler', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.oneof(fc.uint8Array({ maxLength: 200 }).map((u) => Buffer.from(u)), fc.json().map((j) => Buffer.from(j)), fc.constant(null)), { minLength: 1, maxLength: 5 }), async (values) => {
      const out = await handler(values.map((v, i) => incoming(v, i)));
      assert.equal(out.length, values.length);
      for (const o of out) assert.ok(o.kind === 'dlq' || o.kind === 'ok');
    }),
    { numRuns: 300 },
  );
});

test('a valid record with random values planted at random paths yields a verdict or a DLQ reason, never a throw', async () => {
  const base = JSON.stringify(parsedRecord({ ip: '81.2.69.160', helo: 'localhost', hops: [hop({ by: 'a.example', fromIp: '81.2.70.1' })] }));
  const paths = ['walk.relay', 'walk.relay.helo', 'walk.relay.auth', 'walk.relay.source', 'walk.relay.index', 'walk.boundary', 'walk.hops', 'walk.claimedIps', 'facts.smtp', 'facts.smtp.peer', 'facts.smtp.helo', 'facts.smtp.mailFrom', 'facts.source', 'mail', 'facts.smtp.anomalies', 'parsedAt'];
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...paths), fc.jsonValue(), async (path, value) => {
      const rec = JSON.parse(base) as Record<string, unknown>;
      const keys = path.split('.');
      let o = rec;
      for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
      o[keys[keys.length - 1]!] = value;
      const [res] = await handler([incoming(JSON.stringify(rec))]);
      assert.ok(res!.kind === 'ok' || res!.kind === 'dlq');
      if (res!.kind === 'ok') {
        const v = JSON.parse(String(res!.outputs[0]!.value)) as { nomination: { ip: string } | null };
        if (v.nomination !== null) assert.equal(v.nomination.ip, '81.2.69.160');
      }
    }),
    { numRuns: 500 },
  );
});
