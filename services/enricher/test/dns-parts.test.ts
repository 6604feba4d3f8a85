// DNS building blocks: TTL cache expiry and eviction, the semaphore's bound, error mapping, DnsFacts under a deadline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Semaphore, TtlCache, lookupDnsFacts, mapDnsError, resolvableName } from '../src/index.js';
import { fakeDns } from './records.js';

test('TtlCache expires entries and evicts the least recently used', () => {
  let now = 1000;
  const c = new TtlCache<string>(2, () => now);
  c.set('a', 'A', 100);
  c.set('b', 'B', 100);
  assert.equal(c.get('a'), 'A'); // a is now the most recent
  c.set('c', 'C', 100); // evicts b
  assert.equal(c.get('b'), undefined);
  assert.equal(c.get('c'), 'C');
  now += 100;
  assert.equal(c.get('a'), undefined);
  c.set('z', 'Z', 0); // TTL 0: not cached
  assert.equal(c.get('z'), undefined);
  assert.equal(new TtlCache<string>(0).size, 0);
  assert.throws(() => new TtlCache(-1), RangeError);
});

test('Semaphore never runs more than its limit at once', async () => {
  const sem = new Semaphore(3);
  let active = 0;
  let peak = 0;
  await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      sem.run(async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 2 + (i % 3)));
        active--;
        if (i === 5) throw new Error('boom');
      }).catch(() => undefined),
    ),
  );
  assert.equal(peak, 3);
  assert.equal(sem.inFlight, 0);
  assert.throws(() => new Semaphore(0), RangeError);
});

test('resolver errors: NXDOMAIN and NODATA are answers, the rest are failures', () => {
  const e = (code: string): Error => Object.assign(new Error(code), { code });
  assert.deepEqual(mapDnsError(e('ENOTFOUND')), { ok: true, value: [] });
  assert.deepEqual(mapDnsError(e('ENODATA')), { ok: true, value: [] });
  assert.deepEqual(mapDnsError(e('ESERVFAIL')), { ok: false, error: 'SERVFAIL' });
  assert.deepEqual(mapDnsError(e('ETIMEOUT')), { ok: false, error: 'TIMEOUT' });
  assert.deepEqual(mapDnsError(e('EREFUSED')), { ok: false, error: 'REFUSED' });
  assert.deepEqual(mapDnsError(e('EWEIRD')), { ok: false, error: 'EWEIRD' });
  assert.deepEqual(mapDnsError(undefined), { ok: false, error: 'UNKNOWN' });
});

test('only dotted host names are resolved as HELO', () => {
  assert.equal(resolvableName('Mail.Example.ORG.'), 'mail.example.org');
  for (const h of [null, '', 'localhost', 'DESKTOP-1', '[1.2.3.4]', '1.2.3.4', 'a..b', 'bad name.example', `${'a'.repeat(64)}.example`, 'x.'.repeat(200)]) {
    assert.equal(resolvableName(h), null, String(h));
  }
});

const opts = { deadlineMs: 200, maxForwardNames: 2 };

test('facts: PTR, forward confirmation of the first confirming name, HELO addresses; sorted', async () => {
  const dns = fakeDns({
    'PTR 81.2.69.160': ['a.example', 'b.example', 'c.example'],
    'A a.example': ['9.9.9.9'],
    'A b.example': ['81.2.69.160'],
    'A c.example': ['81.2.69.160'],
    'A helo.example': ['81.2.69.160', '1.1.1.1'],
    'AAAA helo.example': ['2001:db8::1'],
  });
  const f = await lookupDnsFacts('81.2.69.160', 'helo.example', dns, opts);
  assert.deepEqual(f, { ptr: ['a.example', 'b.example', 'c.example'], fcrdns: 'b.example', heloAddresses: ['1.1.1.1', '2001:db8::1', '81.2.69.160'], errors: {} });
  // Only maxForwardNames names are checked.
  assert.ok(!dns.asked.includes('A c.example'));
});

test('facts: NXDOMAIN is an empty answer; failures land in errors; IPv6 uses AAAA', async () => {
  const f = await lookupDnsFacts('2001:db8::5', 'helo.example', fakeDns({ 'PTR 2001:db8::5': ['v6.example'], 'AAAA v6.example': ['2001:db8::5'], 'A helo.example': { error: 'SERVFAIL' } }), opts);
  assert.deepEqual(f, { ptr: ['v6.example'], fcrdns: 'v6.example', heloAddresses: null, errors: { helo: 'SERVFAIL' } });
  const g = await lookupDnsFacts('81.2.69.160', null, fakeDns({ 'PTR 81.2.69.160': { error: 'TIMEOUT' } }), opts);
  assert.deepEqual(g, { ptr: null, fcrdns: null, heloAddresses: null, errors: { ptr: 'TIMEOUT' } });
  const h = await lookupDnsFacts('81.2.69.160', null, fakeDns({ 'PTR 81.2.69.160': ['x.example'], 'A x.example': { error: 'REFUSED' } }), opts);
  assert.deepEqual(h, { ptr: ['x.example'], fcrdns: null, heloAddresses: null, errors: { forward: 'REFUSED' } });
  const none = await lookupDnsFacts('81.2.69.160', null, fakeDns({}), opts);
  assert.deepEqual(none, { ptr: [], fcrdns: null, heloAddresses: null, errors: {} });
});

test('facts: a lookup that never answers is cut off by the per-message deadline', async () => {
  const t0 = Date.now();
  const f = await lookupDnsFacts('81.2.69.160', 'helo.example', fakeDns({ 'PTR 81.2.69.160': 'hang', 'A helo.example': 'hang' }), opts);
  const took = Date.now() - t0;
  assert.ok(took >= 190 && took < 1000, `took ${took} ms`);
  assert.deepEqual(f.errors, { helo: 'DEADLINE', ptr: 'DEADLINE' });
});
