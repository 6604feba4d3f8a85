// Unit tests of job-id and job-data validation and the token bucket, including hostile input.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidProbeJobError, QueueRateLimitedError } from '../src/errors.js';
import { ManualClock, TokenBucket } from '../src/rate-limit.js';
import { checkJobId, checkProbeJob, probeJobId } from '../src/validate.js';

const good = { ip: '192.0.2.1', kind: 'relay', evidenceIds: ['e1'], reasons: ['R'], firstSeen: '2026-11-22T00:00:00Z' };

test('probeJobId: IPv4 as is, IPv6 with : -> _, lower-cased', () => {
  assert.equal(probeJobId('relay', '192.0.2.1'), 'relay-192.0.2.1');
  assert.equal(probeJobId('proxy', '2001:DB8::A'), 'proxy-2001_db8__a');
});

test('checkJobId rejects BullMQ-breaking and hostile ids', () => {
  for (const bad of ['a:b', '0', '0042', '', 'x'.repeat(10_000), 'a\u0000b', 'a\nb', 'é', 'a b', '../x/y', undefined, 42]) {
    assert.throws(() => checkJobId(bad), InvalidProbeJobError, JSON.stringify(bad));
  }
  assert.equal(checkJobId('relay-192.0.2.1-20412'), 'relay-192.0.2.1-20412');
  assert.equal(checkJobId('1e5'), '1e5');
});

test('checkProbeJob keeps only contract fields and rejects junk', () => {
  assert.deepEqual(checkProbeJob({ ...good, extra: 'dropped' }), good);
  const bad: unknown[] = [
    null,
    'string',
    [],
    { ...good, ip: '192.0.2.1/24' },
    { ...good, ip: '999.1.1.1' },
    { ...good, ip: 'a'.repeat(1e6) },
    { ...good, kind: 'RELAY' },
    { ...good, evidenceIds: 'e1' },
    { ...good, evidenceIds: [1] },
    { ...good, reasons: ['x'.repeat(129)] },
    { ...good, reasons: Array(65).fill('R') },
    { ...good, firstSeen: 12 },
    { ...good, firstSeen: 'not a date' },
  ];
  for (const b of bad) assert.throws(() => checkProbeJob(b), InvalidProbeJobError);
});

test('TokenBucket: burst then steady rate on a manual clock; refund returns a slot', async () => {
  const clock = new ManualClock();
  const tb = new TokenBucket({ ratePerSec: 4, burst: 2, maxWaitMs: 1_000, clock });
  await tb.acquire();
  await tb.acquire();
  assert.equal(clock.now(), 0, 'burst is free');
  await tb.acquire();
  assert.equal(clock.now(), 250, 'then one slot per 1/rate');
  tb.refund();
  await tb.acquire();
  assert.equal(clock.now(), 250, 'a refunded slot is reusable at once');
  const strict = new TokenBucket({ ratePerSec: 1, burst: 1, maxWaitMs: 10, clock });
  await strict.acquire();
  await assert.rejects(strict.acquire(), QueueRateLimitedError);
  clock.advance(1_000);
  await strict.acquire();
});
