// Runs the EsStore contract suite against the real Elasticsearch (ES_NODE), 429s injected by a loopback proxy; plus an unreachable-node check.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { EsUnavailableError } from '../src/errors.js';
import { esConfigSchema } from '../src/config.js';
import { createEsStore } from '../src/es-store.js';
import { esContract } from '../src/testing/contract.js';
import { startFaultProxy } from '../src/testing/fault-proxy.js';

esContract('real Elasticsearch', () => {
  const cfg = esConfigSchema.load();
  const store = createEsStore(cfg);
  const prefix = `test-${randomUUID().slice(0, 8)}-`;
  return Promise.resolve({
    store,
    prefix,
    flaky: async (plan, retry) => {
      const proxy = await startFaultProxy(cfg.node, plan);
      // maxRetries 0: the client must not hide the proxy's answers; our backoff does the retrying.
      const flakyStore = createEsStore({ ...cfg, node: proxy.url, maxRetries: 0 }, { retry });
      return {
        store: flakyStore,
        bulkRequests: () => proxy.bulkRequests(),
        close: async () => {
          await flakyStore.close();
          await proxy.close();
        },
      };
    },
    cleanup: async () => {
      await store.deleteIndices(`${prefix}*`);
      await store.deleteTemplates({ indexTemplates: [{ name: `${prefix}strict`, body: {} }], componentTemplates: [{ name: `${prefix}fields`, body: {} }] });
      await store.close();
    },
  });
});

// Outside the contract (the fake has no network): an unreachable node gives EsUnavailableError within the budget.
test('unreachable Elasticsearch: bulk throws EsUnavailableError after the retry budget, health says unreachable', async () => {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  const cfg = { ...esConfigSchema.load(), node: `http://127.0.0.1:${port}`, maxRetries: 1, requestTimeoutMs: 1_000 };
  const dead = createEsStore(cfg, { retry: { initialDelayMs: 20, maxDelayMs: 100, maxTotalMs: 500 } });
  try {
    const started = Date.now();
    await assert.rejects(dead.bulkWrite([{ op: 'index', index: 'test-unreachable', id: 'a', doc: {} }]), (err: unknown) => {
      assert.ok(err instanceof EsUnavailableError, String(err));
      assert.equal(err.transient, true);
      return true;
    });
    assert.ok(Date.now() - started < 5_000);
    assert.equal((await dead.health()).status, 'unreachable');
  } finally {
    await dead.close();
  }
});
