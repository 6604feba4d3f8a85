// Runs the EsStore contract suite against the real Elasticsearch (ES_NODE), 429s injected by a loopback proxy.
import { randomUUID } from 'node:crypto';
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
