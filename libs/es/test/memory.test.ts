// Runs the EsStore contract suite against the in-memory fake.
import { MemoryEsStore } from '../src/memory/store.js';
import { esContract } from '../src/testing/contract.js';

esContract('in-memory fake', () => {
  const store = new MemoryEsStore();
  return Promise.resolve({
    store,
    prefix: 'test-mem-',
    flaky: (plan, retry) => {
      // A second store on the same cluster, with the test's retry policy, counting from now.
      const view = new MemoryEsStore({ cluster: store.cluster, retry });
      store.cluster.failures = [];
      store.cluster.injectFailures(plan);
      const base = store.cluster.bulkRequests;
      return Promise.resolve({ store: view, bulkRequests: () => store.cluster.bulkRequests - base, close: () => Promise.resolve() });
    },
    cleanup: () => store.close(),
  });
});
