// Runs the ProbeQueue contract suite against the real Redis (REDIS_URL) through BullMQ, each queue under a unique prefix.
import { randomUUID } from 'node:crypto';
import { createBullProbeQueue } from '../src/bullmq-queue.js';
import { queueConfigSchema } from '../src/config.js';
import { queueContract } from '../src/testing/contract.js';
import type { ProbeQueue } from '../src/types.js';
import { createProbeWorker } from '../src/worker.js';

queueContract('BullMQ on real Redis', () => {
  const base = queueConfigSchema.load();
  const created: Array<{ q: ProbeQueue; prefix: string }> = [];
  return Promise.resolve({
    async create(l) {
      const prefix = `test-${randomUUID().slice(0, 8)}`;
      const q = await createBullProbeQueue({ ...base, prefix, enqueueRatePerSec: l.ratePerSec, enqueueBurst: l.burst, enqueueMaxWaitMs: l.maxWaitMs }, { clock: l.clock });
      created.push({ q, prefix });
      return q;
    },
    async startWorker(q, handler) {
      const entry = created.find((c) => c.q === q);
      if (!entry) throw new Error('unknown queue');
      return createProbeWorker(handler, { ...base, prefix: entry.prefix });
    },
    async cleanup() {
      for (const { q } of created) {
        await q.obliterate();
        await q.close();
      }
    },
  });
});
