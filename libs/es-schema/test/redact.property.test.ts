// Property tests: a trap address hidden in random text, URLs or base64 never survives outside spamtrap.restricted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildEvidenceDoc, createRedactor } from '../src/index.js';
import { verdictFixture } from '../src/testing/fixtures.js';

const local = fc.stringMatching(/^[a-z0-9][a-z0-9._+-]{2,20}$/);
const domain = fc.stringMatching(/^[a-z0-9]{2,10}\.(example|test|org)$/);
const address = fc.tuple(local, domain).map(([l, d]) => `${l}@${d}`);
const filler = fc.string({ maxLength: 40 });

/** Ways a tracking link or a subject may carry the address. */
const encodings: Array<(a: string) => string> = [
  (a) => a,
  (a) => a.toUpperCase(),
  (a) => encodeURIComponent(a),
  (a) => a.replace('@', '%40'),
  (a) => Buffer.from(a).toString('base64'),
  (a) => Buffer.from(a).toString('base64url'),
];

test('redact(): no encoded form of the address survives, wherever it sits in a string', () => {
  fc.assert(
    fc.property(address, filler, filler, fc.integer({ min: 0, max: encodings.length - 1 }), (addr, pre, post, e) => {
      const r = createRedactor([addr]);
      const out = r.redact(`${pre}${encodings[e]!(addr)}${post}`);
      assert.ok(!out.toLowerCase().includes(addr.toLowerCase()), out);
      assert.ok(!out.includes(encodeURIComponent(addr)), out);
      if (e === 4 || e === 5) assert.ok(!out.includes(encodings[e]!(addr).replace(/=+$/, '')), out);
    }),
    { numRuns: 500 },
  );
});

test('base64 of a longer text that contains the address loses the address (any alignment)', () => {
  fc.assert(
    fc.property(address, fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), fc.boolean(), (addr, pre, post, urlSafe) => {
      const blob = Buffer.from(`${pre}${addr}${post}`).toString(urlSafe ? 'base64url' : 'base64');
      const out = createRedactor([addr]).redact(`https://t.example/o?d=${blob}`);
      const param = out.slice(out.indexOf('d=') + 2);
      const decoded = Buffer.from(param, urlSafe ? 'base64url' : 'base64').toString('latin1');
      assert.ok(!decoded.includes(addr), `${out} decodes to ${decoded}`);
    }),
    { numRuns: 500 },
  );
});

test('evidence documents: the address appears only under spamtrap.restricted, whatever the subject and URLs hold', () => {
  fc.assert(
    fc.property(address, filler, fc.array(fc.integer({ min: 0, max: encodings.length - 1 }), { minLength: 1, maxLength: 4 }), (addr, junk, encs) => {
      const v = verdictFixture({
        evidenceId: '019a0000-0000-7000-8000-000000000009',
        trap: addr,
        subject: `${junk} ${encodings[encs[0]!]!(addr)} \u0000${junk}`,
        urls: encs.map((e, i) => `https://t${i}.example/x?u=${encodings[e]!(addr)}&j=${encodeURIComponent(junk)}`),
      });
      const { doc } = buildEvidenceDoc(v, { prefix: 'p' });
      const copy = structuredClone(doc) as { spamtrap: Record<string, unknown> };
      delete copy.spamtrap['restricted'];
      const pub = JSON.stringify(copy).toLowerCase();
      assert.ok(!pub.includes(addr.toLowerCase()));
      assert.ok(!pub.includes(encodeURIComponent(addr).toLowerCase()));
      assert.ok(!pub.includes(Buffer.from(addr).toString('base64').replace(/=+$/, '').toLowerCase()));
    }),
    { numRuns: 200 },
  );
});
