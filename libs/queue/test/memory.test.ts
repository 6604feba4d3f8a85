// Runs the ProbeQueue contract suite against the in-memory fake, plus fake-only checks (cool-down expiry).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryProbeQueue } from '../src/memory/queue.js';
import { ManualClock } from '../src/rate-limit.js';
import { queueContract } from '../src/testing/contract.js';

queueContract('in-memory fake', () =>
  Promise.resolve({
    create: (l) => Promise.resolve(new MemoryProbeQueue({ ratePerSec: l.ratePerSec, burst: l.burst, maxWaitMs: l.maxWaitMs, clock: l.clock })),
    startWorker: (q, handler) => Promise.resolve((q as MemoryProbeQueue).startWorker(handler)),
    cleanup: () => Promise.resolve(),
  }),
);

test('fake: a finished job is forgotten after the cool-down window, then the id may be added again', async () => {
  const clock = new ManualClock();
  const q = new MemoryProbeQueue({ cooldownSeconds: 60, clock });
  const data = { ip: '192.0.2.1', kind: 'relay' as const, evidenceIds: [], reasons: [], firstSeen: '2026-11-22T00:00:00Z' };
  const w = q.startWorker(() => Promise.resolve());
  assert.equal(await q.enqueue(data, { jobId: 'relay-192.0.2.1' }), 'added');
  for (let i = 0; i < 20 && (await q.getJob('relay-192.0.2.1'))?.state !== 'completed'; i++) await new Promise((r) => setImmediate(r));
  clock.advance(59_000);
  assert.equal(await q.enqueue(data, { jobId: 'relay-192.0.2.1' }), 'duplicate');
  clock.advance(2_000);
  assert.equal(await q.enqueue(data, { jobId: 'relay-192.0.2.1' }), 'added');
  await w.close();
});

test('fake: down -> QueueUnavailableError (transient)', async () => {
  const q = new MemoryProbeQueue();
  q.down = true;
  await assert.rejects(q.enqueue({ ip: '192.0.2.1', kind: 'relay', evidenceIds: [], reasons: [], firstSeen: '2026-11-22T00:00:00Z' }, { jobId: 'relay-192.0.2.1' }), (e: unknown) => (e as { transient?: boolean }).transient === true);
});
