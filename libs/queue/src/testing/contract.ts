// The ProbeQueue contract suite: registers node:test tests that the BullMQ adapter and the fake must both pass.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { InvalidProbeJobError, QueueRateLimitedError } from '../errors.js';
import { ManualClock } from '../rate-limit.js';
import type { Clock, ProbeHandler, ProbeJob, ProbeQueue } from '../types.js';
import { probeJobId } from '../validate.js';

export interface QueueLimits {
  ratePerSec: number;
  burst: number;
  maxWaitMs: number;
  clock: Clock;
}

export interface QueueContractHarness {
  /** A fresh, empty queue (own name/prefix) with these enqueue limits. */
  create(limits: QueueLimits): Promise<ProbeQueue>;
  /** Start consuming `queue` with `handler` (BullMQ Worker via createProbeWorker for the real one). */
  startWorker(queue: ProbeQueue, handler: ProbeHandler): Promise<{ close(): Promise<void> }>;
  /** Obliterate and close everything created. */
  cleanup(): Promise<void>;
}

const ROOMY: Omit<QueueLimits, 'clock'> = { ratePerSec: 1_000, burst: 1_000, maxWaitMs: 1_000 };

const job = (ip: string, over: Partial<ProbeJob> = {}): ProbeJob => ({
  ip,
  kind: 'relay',
  evidenceIds: ['0190f1a2-7c3b-7d4e-8f00-000000000001'],
  reasons: ['THIRD_PARTY_HANDOFF'],
  firstSeen: '2026-11-22T10:00:00.000Z',
  ...over,
});

const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);

export function queueContract(name: string, factory: () => Promise<QueueContractHarness>): void {
  void describe(`ProbeQueue contract: ${name}`, () => {
    let h: QueueContractHarness;
    before(async () => {
      h = await factory();
    });
    after(async () => {
      await h.cleanup();
    });

    void test('health, add, getJob returns the data, counts one waiting job', async () => {
      const q = await h.create({ ...ROOMY, clock: new ManualClock() });
      assert.equal((await q.health()).ok, true);
      const data = job('192.0.2.10');
      assert.equal(await q.enqueue(data, { jobId: probeJobId('relay', data.ip) }), 'added');
      const got = await q.getJob('relay-192.0.2.10');
      assert.ok(got);
      assert.deepEqual(got.data, data);
      assert.equal(got.state, 'waiting');
      const c = await q.counts();
      assert.equal(c.waiting, 1);
      assert.equal(total(c), 1);
      assert.equal(await q.getJob('relay-192.0.2.99'), null);
    });

    void test('the same job id again is a duplicate: no second job, the first data kept', async () => {
      const q = await h.create({ ...ROOMY, clock: new ManualClock() });
      const id = probeJobId('proxy', '2001:db8::5');
      assert.equal(id, 'proxy-2001_db8__5');
      const first = job('2001:db8::5', { kind: 'proxy', reasons: ['HTTP_BEFORE_GREETING'] });
      assert.equal(await q.enqueue(first, { jobId: id }), 'added');
      assert.equal(await q.enqueue(job('2001:db8::5', { kind: 'proxy', reasons: ['OTHER'] }), { jobId: id }), 'duplicate');
      assert.equal(await q.enqueue(first, { jobId: id }), 'duplicate');
      assert.equal(total(await q.counts()), 1);
      assert.deepEqual((await q.getJob(id))?.data.reasons, ['HTTP_BEFORE_GREETING']);
      assert.equal(await q.enqueue(job('2001:db8::6', { kind: 'proxy' }), { jobId: probeJobId('proxy', '2001:db8::6') }), 'added');
      assert.equal(total(await q.counts()), 2);
    });

    void test('invalid job ids and data are rejected with InvalidProbeJobError before reaching the queue', async () => {
      const q = await h.create({ ...ROOMY, clock: new ManualClock() });
      for (const bad of ['relay:192.0.2.1', '12345', '', 'x'.repeat(201), 'relay 192.0.2.1', 'relay/../x\u0000']) {
        await assert.rejects(q.enqueue(job('192.0.2.1'), { jobId: bad }), InvalidProbeJobError, `job id ${JSON.stringify(bad)}`);
      }
      const badData: unknown[] = [
        job('not-an-ip'),
        job('192.0.2.1', { kind: 'smtp' as never }),
        job('192.0.2.1', { evidenceIds: Array.from({ length: 101 }, (_, i) => `e${i}`) }),
        job('192.0.2.1', { firstSeen: 'yesterday' }),
        job('192.0.2.1', { reasons: [''] }),
        null,
      ];
      for (const d of badData) await assert.rejects(q.enqueue(d as ProbeJob, { jobId: 'relay-192.0.2.1' }), InvalidProbeJobError);
      assert.equal(total(await q.counts()), 0);
    });

    void test('the enqueue rate limit holds: N jobs over burst B at R/s take at least (N-B)/R seconds', async () => {
      const clock = new ManualClock(1_000_000);
      const q = await h.create({ ratePerSec: 10, burst: 5, maxWaitMs: 10_000, clock });
      const start = clock.now();
      for (let i = 0; i < 25; i++) assert.equal(await q.enqueue(job(`198.51.100.${i}`), { jobId: `relay-198.51.100.${i}` }), 'added');
      const elapsed = clock.now() - start;
      assert.ok(elapsed >= 2_000 - 1, `25 jobs, burst 5 at 10/s need >= 2000 ms of limiter time, took ${elapsed}`);
      assert.ok(elapsed <= 2_200, `but not much more: ${elapsed}`);
      assert.equal(total(await q.counts()), 25);
      // Duplicates give their token back: they add no job.
      const before = clock.now();
      for (let i = 0; i < 5; i++) assert.equal(await q.enqueue(job('198.51.100.0'), { jobId: 'relay-198.51.100.0' }), 'duplicate');
      assert.ok(clock.now() - before <= 100, `duplicates barely wait: ${clock.now() - before} ms`);
    });

    void test('when the next slot is further away than maxWaitMs, enqueue fails with QueueRateLimitedError', async () => {
      const q = await h.create({ ratePerSec: 1, burst: 2, maxWaitMs: 100, clock: new ManualClock() });
      assert.equal(await q.enqueue(job('203.0.113.1'), { jobId: 'relay-203.0.113.1' }), 'added');
      assert.equal(await q.enqueue(job('203.0.113.2'), { jobId: 'relay-203.0.113.2' }), 'added');
      await assert.rejects(q.enqueue(job('203.0.113.3'), { jobId: 'relay-203.0.113.3' }), QueueRateLimitedError);
      assert.equal(total(await q.counts()), 2);
    });

    void test('a worker receives the job data intact; the finished job still deduplicates its id', async () => {
      const q = await h.create({ ...ROOMY, clock: new ManualClock() });
      const data = job('2001:db8:ffff::1', {
        kind: 'proxy',
        evidenceIds: ['0190f1a2-7c3b-7d4e-8f00-00000000000a', '0190f1a2-7c3b-7d4e-8f00-00000000000b'],
        reasons: ['RDNS_EMBEDS_IP', 'HELO_FORGED_AS_TRAP_DOMAIN'],
        firstSeen: '2026-01-02T03:04:05.678Z',
      });
      const id = probeJobId('proxy', data.ip);
      let resolveSeen: (v: { data: ProbeJob; id: string }) => void = () => undefined;
      const seen = new Promise<{ data: ProbeJob; id: string }>((r) => (resolveSeen = r));
      const w = await h.startWorker(q, (d, meta) => {
        resolveSeen({ data: d, id: meta.id });
        return Promise.resolve('probed');
      });
      try {
        assert.equal(await q.enqueue(data, { jobId: id }), 'added');
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error('worker got nothing within 10 s')), 10_000)));
        const got = await Promise.race([seen, timeout]).finally(() => clearTimeout(timer));
        assert.deepEqual(got, { data, id });
        for (let i = 0; i < 100 && (await q.getJob(id))?.state !== 'completed'; i++) await new Promise((r) => setTimeout(r, 50));
        assert.equal((await q.getJob(id))?.state, 'completed');
        assert.equal(await q.enqueue(data, { jobId: id }), 'duplicate', 'a completed job within the cool-down window still deduplicates');
        assert.equal(total(await q.counts()), 1);
      } finally {
        await w.close();
      }
    });
  });
}
