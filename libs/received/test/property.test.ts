// Property tests (fast-check): the parser is total, its IPs are canonical or null, and its cost grows linearly.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { normaliseIp, parseReceived, walkHops, compileTrustList } from '../src/index.js';
import { isoString, parseDateWords, parseReceivedDate } from '../src/date.js';

const fragments = fc.constantFrom(
  'from ', 'by ', 'with ', 'id ', 'for ', 'via ', '(', ')', '[', ']', '; ', ' ', 'HELO ', 'helo=', 'ident=', '@', ':', '.', '%', 'IPv6:',
  '192.0.2.1', '::ffff:', '2001:db8::1', 'unknown', 'localhost', 'ESMTPSA', 'Postfix', 'Exim 4.96', 'Microsoft SMTP Server', '(may be forged)',
  'Tue, 14 Feb 2023 12:59:45 +0000', '\0', '\u00ff', 'qmail 1 invoked by uid 2', 'fetchmail', 'POP3', 'Authenticated sender:',
);
const received = fc.array(fragments, { maxLength: 60 }).map((a) => a.join(''));
const trusted = compileTrustList(['*.example.net', '192.0.2.0/24']);

describe('properties', () => {
  it('the canonical-date fast path gives what the general date parser gives', () => {
    const pick = <T>(...xs: T[]): fc.Arbitrary<T> => fc.constantFrom(...xs);
    const date = fc.tuple(
      pick('', 'Tue, ', 'Mon,  ', 'Sun,', 'Xyz, ', 'tue, ', 'Thursday, '), fc.integer({ min: 0, max: 35 }), pick(' ', '  '),
      pick('Jan', 'feb', 'FEB', 'Mar', 'Sep', 'Dec', 'Foo', 'Feb.'), pick(' '), fc.integer({ min: 1960, max: 10_000 }), pick(' ', '  '),
      fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }), fc.integer({ min: 0, max: 61 }), pick(' ', ''),
      pick('+0000', '-0700', '+0530', '+00000', '-9999', 'GMT', 'UTC', ''), pick('', ' (UTC)', ' (envelope-from x)', ' PM', ' id 123', '(CEST)', ' 2023'),
    ).map(([wd, d, s1, mon, s2, y, s3, h, mi, sec, s4, z, tail]) =>
      `${wd}${d}${s1}${mon}${s2}${y}${s3}${h}:${String(mi).padStart(2, '0')}:${String(sec).padStart(2, '0')}${s4}${z}${tail}`);
    fc.assert(fc.property(date, (t) => {
      const a = parseReceivedDate(t);
      const b = parseDateWords(t);
      assert.deepEqual({ ...a, ms: Number.isNaN(a.ms) ? 'NaN' : a.ms }, { ...b, ms: Number.isNaN(b.ms) ? 'NaN' : b.ms }, t);
    }), { numRuns: 20_000 });
  });
  it('isoString is new Date(ms).toISOString() for every whole second, including around 1970 and past 9999', () => {
    const edges = [0, -1000, -86_400_000, Date.UTC(2000, 1, 29, 23, 59, 59), Date.UTC(2100, 1, 28), Date.UTC(9999, 11, 31, 23, 59, 59), Date.UTC(9999, 11, 31, 23, 59, 59) + 43_200_000];
    for (const ms of edges) assert.equal(isoString(ms), new Date(ms).toISOString());
    fc.assert(fc.property(fc.integer({ min: -100_000_000, max: 253_402_300_799 + 100_000 }), (s) => {
      assert.equal(isoString(s * 1000), new Date(s * 1000).toISOString());
    }), { numRuns: 20_000 });
  });
  it('never throws and always returns a kind, on arbitrary text and on header-like text', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 400 }), fc.string({ unit: 'binary', maxLength: 200 }), received), (s) => {
      const h = parseReceived(s);
      assert.ok(h.kind === 'relay' || h.kind === 'ignored' || h.kind === 'unparsed');
    }), { numRuns: 3000 });
  });
  it('an output IP is a valid canonical address or null, and relay implies an IP', () => {
    fc.assert(fc.property(received, (s) => {
      const h = parseReceived(s);
      if (h.fromIp !== null) assert.equal(normaliseIp(h.fromIp), h.fromIp);
      if (h.kind === 'relay') assert.notEqual(h.fromIp, null);
    }), { numRuns: 3000 });
  });
  it('the walker is total and never picks a relay below the boundary', () => {
    fc.assert(fc.property(fc.array(received, { maxLength: 12 }), (vals) => {
      const w = walkHops(vals, { trusted });
      if (w.relay) {
        assert.equal(w.relay.index, w.boundary);
        assert.equal(normaliseIp(w.relay.ip), w.relay.ip);
      }
    }), { numRuns: 1000 });
  });
  it('cost grows linearly with input size (ratio check on hostile shapes, not a wall-clock limit)', () => {
    // Compares the best of several runs at n and 8n characters; quadratic behaviour would give ~64x, linear ~8x.
    // Best-of-9 timings filter out scheduler noise; the assertion is on a ratio, never on absolute time.
    const shapes = [(n: number) => '('.repeat(n), (n: number) => 'from '.repeat(n / 5), (n: number) => '[('.repeat(n / 2), (n: number) => `from a ${'(b [192.0.2.1]) '.repeat(n / 16)}by c`, (n: number) => ')('.repeat(n / 2)];
    const time = (s: string): number => {
      const t0 = process.hrtime.bigint();
      for (let k = 0; k < 10; k++) parseReceived(s);
      return Number(process.hrtime.bigint() - t0);
    };
    for (const shape of shapes) {
      const smallInput = shape(6000);
      const largeInput = shape(48000);
      let small = Infinity;
      let large = Infinity;
      // Interleaved best-of-15: both sizes see the same machine load, and the minimum drops scheduler/GC noise.
      for (let r = 0; r < 15; r++) {
        small = Math.min(small, time(smallInput));
        large = Math.min(large, time(largeInput));
      }
      // 32 sits halfway (in log scale) between linear (8) and quadratic (64), leaving room for a shared, noisy machine.
      assert.ok(large / small < 32, `ratio ${(large / small).toFixed(1)} for ${smallInput.slice(0, 20)}`);
    }
  });
});
