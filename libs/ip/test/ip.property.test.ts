// libs/ip properties: never throws on junk, canonical forms round-trip, wrapped reserved IPv4 stays special.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CidrSet, nominationKey, parseIp, reverseName, specialPurpose } from '../src/index.js';

test('parsing and classifying arbitrary strings never throws', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.ipV4(), fc.ipV6(), fc.ipV4Extended()), (s) => {
      parseIp(s);
      specialPurpose(s);
      nominationKey(s);
      reverseName(s);
      new CidrSet([]).has(s);
    }),
    { numRuns: 3000 },
  );
});

test('canonical forms are fixed points and stable across spellings', () => {
  fc.assert(
    fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (s) => {
      const c = parseIp(s);
      assert.ok(c !== null, s);
      assert.equal(parseIp(c), c);
      assert.equal(parseIp(`[${c.includes(':') ? 'IPv6:' : ''}${c}]`), c);
      assert.equal(parseIp(s.toUpperCase()), c);
    }),
    { numRuns: 3000 },
  );
});

const reservedV4 = fc.constantFrom('10.', '127.', '192.168.', '169.254.', '100.64.', '172.16.', '0.').chain((p) =>
  fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4 - p.split('.').length + 1, maxLength: 4 - p.split('.').length + 1 }).map((rest) => p + rest.join('.')),
);

function hex16(a: number, b: number): string {
  return ((a << 8) | b).toString(16);
}

test('a reserved IPv4 is special in every wrapped form', () => {
  fc.assert(
    fc.property(reservedV4, (v4) => {
      const o = v4.split('.').map(Number) as [number, number, number, number];
      const inv = o.map((x) => 255 - x) as [number, number, number, number];
      const forms = [
        v4,
        `::ffff:${v4}`,
        `::ffff:${hex16(o[0], o[1])}:${hex16(o[2], o[3])}`,
        `2002:${hex16(o[0], o[1])}:${hex16(o[2], o[3])}::1`,
        `2001:0:4136:e378:8000:63bf:${hex16(inv[0], inv[1])}:${hex16(inv[2], inv[3])}`,
        `64:ff9b::${hex16(o[0], o[1])}:${hex16(o[2], o[3])}`,
        `[IPv6:64:ff9b::${v4}]`,
      ];
      for (const f of forms) {
        const m = specialPurpose(f);
        assert.ok(m !== null, f);
        if (f !== v4 && !f.startsWith('::ffff')) assert.equal(m.embedded, v4, f);
      }
    }),
    { numRuns: 2000 },
  );
});

test('CidrSet agrees with a naive scan over random overlapping IPv4 networks', () => {
  const toNum = (ip: string): number => ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
  const net = fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([ip, p]) => {
    const n = toNum(ip);
    const size = 2 ** (32 - p);
    const base = n - (n % size);
    return { text: `${[24, 16, 8, 0].map((s) => Math.floor(base / 2 ** s) % 256).join('.')}/${p}`, lo: base, hi: base + size - 1 };
  });
  fc.assert(
    fc.property(fc.array(net, { maxLength: 12 }), fc.array(fc.ipV4(), { minLength: 1, maxLength: 20 }), (nets, probes) => {
      const set = new CidrSet(nets.map((x) => x.text));
      const str = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
      // Random addresses plus every network's edges and their outside neighbours.
      const edges = nets.flatMap((x) => [x.lo, x.hi, x.lo - 1, x.hi + 1]).filter((n) => n >= 0 && n <= 0xffffffff).map(str);
      for (const p of [...probes, ...edges]) {
        const n = toNum(p);
        const naive = nets.some((x) => x.lo <= n && n <= x.hi);
        assert.equal(set.has(p), naive, `${p} in ${nets.map((x) => x.text).join(',')}`);
        const m = set.match(p);
        if (m !== null) assert.ok(nets.some((x) => x.text === m && x.lo <= n && n <= x.hi));
      }
    }),
    { numRuns: 2000 },
  );
});
