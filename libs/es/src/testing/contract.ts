// The EsStore contract suite: registers node:test tests that the real adapter and the fake must both pass.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BulkBuffer } from '../bulk-buffer.js';
import { EsUnavailableError } from '../errors.js';
import type { FailurePlan } from '../memory/cluster.js';
import type { BulkItemResult, BulkOp, EsStore, RetryPolicy, TemplateSet } from '../types.js';

export interface FlakyStore {
  /** A store on the same backend whose bulk requests meet the failure plan first. */
  store: EsStore;
  /** Bulk requests that reached the failure point so far. */
  bulkRequests(): number;
  close(): Promise<void>;
}

export interface EsContractHarness {
  store: EsStore;
  /** Unique lowercase prefix for every index and template this run creates, e.g. `test-3f9a1c2b-`. */
  prefix: string;
  flaky(plan: FailurePlan, retry: RetryPolicy): Promise<FlakyStore>;
  /** Delete everything under `prefix` and close. */
  cleanup(): Promise<void>;
}

/** Quick retries so tests of the 429 path finish in well under a second. */
const FAST: RetryPolicy = { initialDelayMs: 10, maxDelayMs: 100, maxTotalMs: 5_000 };

const okOf = (r: BulkItemResult | undefined) => {
  assert.ok(r, 'missing result');
  assert.equal(r.ok, true, `expected ok, got ${JSON.stringify(r)}`);
  return r;
};
const failOf = (r: BulkItemResult | undefined) => {
  assert.ok(r, 'missing result');
  assert.equal(r.ok, false, `expected a failure, got ${JSON.stringify(r)}`);
  return r;
};

export function esContract(name: string, factory: () => Promise<EsContractHarness>): void {
  void describe(`EsStore contract: ${name}`, () => {
    let h: EsContractHarness;
    let es: EsStore;
    const ix = (s: string) => `${h.prefix}${s}`;

    const strictSet = (): TemplateSet => ({
      componentTemplates: [
        {
          name: ix('fields'),
          body: { template: { mappings: { properties: { msg: { type: 'keyword' }, n: { type: 'long' }, src: { properties: { ip: { type: 'ip' } } } } } } },
        },
      ],
      indexTemplates: [
        {
          name: ix('strict'),
          body: {
            index_patterns: [ix('strict-*')],
            composed_of: [ix('fields')],
            priority: 500,
            template: { settings: { number_of_shards: 1, number_of_replicas: 0 }, mappings: { dynamic: 'strict' } },
          },
        },
      ],
    });

    before(async () => {
      h = await factory();
      es = h.store;
    });
    after(async () => {
      await h.cleanup();
    });

    void test('health reports ready', async () => {
      const r = await es.health();
      assert.equal(r.ok, true, JSON.stringify(r));
    });

    void test('bulk index then get / mget return the documents with seq_no and version', async () => {
      const index = ix('basic');
      const ops: BulkOp[] = [1, 2, 3].map((n) => ({ op: 'index', index, id: `d${n}`, doc: { msg: `m${n}`, n } }));
      const res = await es.bulkWrite(ops, { refresh: 'wait_for' });
      assert.equal(res.length, 3);
      for (const r of res) {
        const ok = okOf(r);
        assert.equal(ok.status, 201);
        assert.equal(ok.result, 'created');
        assert.equal(typeof ok.seqNo, 'number');
        assert.equal(ok.version, 1);
      }
      const g = await es.get(index, 'd2');
      assert.equal(g.found, true);
      assert.deepEqual(g.source, { msg: 'm2', n: 2 });
      assert.equal(g.version, 1);
      const again = okOf((await es.bulkWrite([{ op: 'index', index, id: 'd2', doc: { msg: 'm2b', n: 22 } }]))[0]);
      assert.equal(again.status, 200);
      assert.equal(again.result, 'updated');
      assert.equal(again.version, 2);
      const m = await es.mget(index, ['d1', 'nope', 'd2']);
      assert.deepEqual(
        m.map((d) => [d.id, d.found]),
        [
          ['d1', true],
          ['nope', false],
          ['d2', true],
        ],
      );
      assert.deepEqual(m[2]!.source, { msg: 'm2b', n: 22 });
      assert.equal((await es.get(ix('missing-index'), 'x')).found, false);
    });

    void test('hostile strings and ids round-trip unchanged (newlines, NUL, U+2028, slashes, unicode)', async () => {
      const index = ix('hostile');
      const id = 'a/b?c#d e\u00e9\u2028';
      const doc = { msg: 'line1\r\nline2\n{"delete":{"_index":"x"}}\u0000\u2028\ud83d\udce7', n: -0.5 };
      okOf((await es.bulkWrite([{ op: 'create', index, id, doc }]))[0]);
      const g = await es.get(index, id);
      assert.equal(g.found, true);
      assert.equal(g.id, id);
      assert.deepEqual(g.source, doc);
    });

    void test('create twice: the second is a 409 conflict and the first document stays', async () => {
      const index = ix('create');
      const first = await es.bulkWrite([{ op: 'create', index, id: 'e1', doc: { msg: 'first' } }]);
      assert.equal(okOf(first[0]).status, 201);
      const second = await es.bulkWrite([
        { op: 'create', index, id: 'e1', doc: { msg: 'second' } },
        { op: 'create', index, id: 'e2', doc: { msg: 'other' } },
      ]);
      const conflict = failOf(second[0]);
      assert.equal(conflict.status, 409);
      assert.equal(conflict.type, 'version_conflict_engine_exception');
      assert.equal(okOf(second[1]).status, 201);
      assert.deepEqual((await es.get(index, 'e1')).source, { msg: 'first' });
    });

    void test('external_gte: a lower version is rejected with 409, an equal or higher one is accepted', async () => {
      const index = ix('ext');
      const put = (version: number, msg: string) => es.bulkWrite([{ op: 'index', index, id: 'ip-1', doc: { msg }, version, versionType: 'external_gte' }]);
      assert.equal(okOf((await put(5, 'v5'))[0]).version, 5);
      const lower = failOf((await put(3, 'v3'))[0]);
      assert.equal(lower.status, 409);
      assert.equal(lower.type, 'version_conflict_engine_exception');
      assert.equal(okOf((await put(5, 'v5-again'))[0]).version, 5);
      assert.equal(okOf((await put(7, 'v7'))[0]).version, 7);
      const g = await es.get(index, 'ip-1');
      assert.equal(g.version, 7);
      assert.deepEqual(g.source, { msg: 'v7' });
    });

    void test('if_seq_no / if_primary_term: a stale seq_no is a 409', async () => {
      const index = ix('occ');
      const first = okOf((await es.bulkWrite([{ op: 'index', index, id: 'n1', doc: { n: 1 } }]))[0]);
      const cas = (n: number) => es.bulkWrite([{ op: 'index', index, id: 'n1', doc: { n }, ifSeqNo: first.seqNo!, ifPrimaryTerm: first.primaryTerm! }]);
      okOf((await cas(2))[0]);
      const stale = failOf((await cas(3))[0]);
      assert.equal(stale.status, 409);
      assert.deepEqual((await es.get(index, 'n1')).source, { n: 2 });
      const missing = failOf((await es.bulkWrite([{ op: 'index', index, id: 'n-missing', doc: { n: 1 }, ifSeqNo: 0, ifPrimaryTerm: 1 }]))[0]);
      assert.equal(missing.status, 409);
    });

    void test('update merges a partial doc, doc_as_upsert creates, update of a missing doc is a 404', async () => {
      const index = ix('upd');
      okOf((await es.bulkWrite([{ op: 'update', index, id: 'u1', doc: { msg: 'a', src: { ip: '192.0.2.1' } }, docAsUpsert: true }]))[0]);
      const merged = okOf((await es.bulkWrite([{ op: 'update', index, id: 'u1', doc: { n: 5 } }]))[0]);
      assert.equal(merged.result, 'updated');
      assert.deepEqual((await es.get(index, 'u1')).source, { msg: 'a', src: { ip: '192.0.2.1' }, n: 5 });
      const noop = okOf((await es.bulkWrite([{ op: 'update', index, id: 'u1', doc: { n: 5 } }]))[0]);
      assert.equal(noop.result, 'noop');
      const missing = failOf((await es.bulkWrite([{ op: 'update', index, id: 'u-none', doc: { n: 1 } }]))[0]);
      assert.equal(missing.status, 404);
      assert.equal(missing.type, 'document_missing_exception');
      const del = await es.bulkWrite([
        { op: 'delete', index, id: 'u1' },
        { op: 'delete', index, id: 'u1' },
      ]);
      assert.equal(okOf(del[0]).result, 'deleted');
      assert.equal(okOf(del[1]).result, 'not_found');
      assert.equal((await es.get(index, 'u1')).found, false);
    });

    void test('templates install idempotently and ensureIndex reports creation once', async () => {
      const set = strictSet();
      await es.installTemplates(set);
      await es.installTemplates(set);
      assert.equal(await es.ensureIndex(ix('strict-idem')), true);
      assert.equal(await es.ensureIndex(ix('strict-idem')), false);
    });

    void test('strict template: an unknown field fails that item permanently (400) while the rest of the bulk succeeds', async () => {
      await es.installTemplates(strictSet());
      const index = ix('strict-2026.11');
      const flaky = await h.flaky({ scope: 'request', status: 429, requests: 0 }, FAST);
      try {
        const res = await flaky.store.bulkWrite(
          [
            { op: 'create', index, id: 'g1', doc: { msg: 'good', n: 1 } },
            { op: 'create', index, id: 'b1', doc: { msg: 'bad', invented_by_spammer: 'x' } },
            { op: 'create', index, id: 'g2', doc: { msg: 'good too', src: { ip: '198.51.100.7' } } },
            { op: 'create', index, id: 'b2', doc: { src: { ip: '198.51.100.8', port: 25 } } },
          ],
          { refresh: 'wait_for' },
        );
        assert.equal(okOf(res[0]).status, 201);
        assert.equal(okOf(res[2]).status, 201);
        for (const [i, field] of [
          [1, 'invented_by_spammer'],
          [3, 'port'],
        ] as const) {
          const f = failOf(res[i]);
          assert.equal(f.status, 400);
          assert.equal(f.type, 'strict_dynamic_mapping_exception');
          assert.match(f.reason, new RegExp(`\\[${field}\\]`));
        }
        assert.equal(flaky.bulkRequests(), 1, '400 and 201 items must not be re-sent');
      } finally {
        await flaky.close();
      }
      assert.equal((await es.get(index, 'g2')).found, true);
      assert.equal((await es.get(index, 'b1')).found, false);
    });

    void test('search and count: match_all, term, ids and size', async () => {
      const index = ix('search');
      assert.equal(await es.ensureIndex(index, { mappings: { properties: { msg: { type: 'keyword' }, n: { type: 'long' } } } }), true);
      await es.bulkWrite(
        ['a', 'b', 'c', 'd'].map((id, i) => ({ op: 'index', index, id, doc: { msg: i % 2 === 0 ? 'even' : 'odd', n: i } })),
        { refresh: 'wait_for' },
      );
      const all = await es.search(index, { query: { match_all: {} }, size: 2 });
      assert.equal(all.total, 4);
      assert.equal(all.hits.length, 2);
      const even = await es.search(index, { query: { term: { msg: 'even' } }, size: 10 });
      assert.deepEqual(even.hits.map((x) => x.id).sort(), ['a', 'c']);
      const byIds = await es.search(index, { query: { ids: { values: ['b', 'd', 'zz'] } } });
      assert.deepEqual(byIds.hits.map((x) => x.id).sort(), ['b', 'd']);
      assert.equal(await es.count(index), 4);
      assert.equal(await es.count(index, { term: { msg: 'odd' } }), 2);
      assert.equal(await es.count(ix('nothing-*')), 0);
      const aggs = await es.aggregate(index, { by_msg: { terms: { field: 'msg' } } });
      assert.deepEqual(aggs['by_msg'], { doc_count_error_upper_bound: 0, sum_other_doc_count: 0, buckets: [{ key: 'even', doc_count: 2 }, { key: 'odd', doc_count: 2 }] });
    });

    void test('a whole bulk answered 429 is retried with backoff until it goes through', async () => {
      const index = ix('retry-req');
      const flaky = await h.flaky({ scope: 'request', status: 429, requests: 2 }, FAST);
      try {
        const res = await flaky.store.bulkWrite([{ op: 'create', index, id: 'r1', doc: { msg: 'x' } }]);
        assert.equal(okOf(res[0]).status, 201);
        assert.equal(flaky.bulkRequests(), 3);
      } finally {
        await flaky.close();
      }
      assert.equal((await es.get(index, 'r1')).found, true);
    });

    void test('items rejected with 429 are re-sent alone; the others are not sent twice', async () => {
      const index = ix('retry-items');
      const flaky = await h.flaky({ scope: 'items', status: 429, requests: 1, every: 2 }, FAST);
      try {
        // `create` would answer 409 if an item were written twice: all 201 proves only rejected items were re-sent.
        const ops: BulkOp[] = [0, 1, 2, 3, 4].map((n) => ({ op: 'create', index, id: `i${n}`, doc: { n } }));
        const res = await flaky.store.bulkWrite(ops);
        assert.deepEqual(
          res.map((r) => okOf(r).status),
          [201, 201, 201, 201, 201],
        );
        assert.equal(flaky.bulkRequests(), 2);
      } finally {
        await flaky.close();
      }
    });

    void test('503 items are retried too; after the time budget the bulk throws EsUnavailableError', async () => {
      const index = ix('retry-budget');
      const ok503 = await h.flaky({ scope: 'items', status: 503, requests: 1 }, FAST);
      try {
        assert.equal(okOf((await ok503.store.bulkWrite([{ op: 'index', index, id: 'x1', doc: { n: 1 } }]))[0]).status, 201);
      } finally {
        await ok503.close();
      }
      const stuck = await h.flaky({ scope: 'request', status: 429, requests: 1_000 }, { initialDelayMs: 10, maxDelayMs: 40, maxTotalMs: 300 });
      try {
        const started = Date.now();
        await assert.rejects(stuck.store.bulkWrite([{ op: 'index', index, id: 'x2', doc: { n: 2 } }]), (err: unknown) => {
          assert.ok(err instanceof EsUnavailableError, String(err));
          assert.equal(err.status, 429);
          return true;
        });
        assert.ok(Date.now() - started < 3_000, 'gave up within the budget');
        assert.ok(stuck.bulkRequests() >= 2, 'retried at least once');
      } finally {
        await stuck.close();
      }
    });

    void test('BulkBuffer batches by count and time and gives each caller its own result', async () => {
      const index = ix('buffer');
      const flaky = await h.flaky({ scope: 'request', status: 429, requests: 0 }, FAST);
      try {
        const buf = new BulkBuffer(flaky.store, { maxDocs: 10, maxWaitMs: 50 });
        const pending = Array.from({ length: 25 }, (_, n) => buf.add({ op: 'create', index, id: `b${n}`, doc: { n } }));
        pending.push(buf.add({ op: 'create', index, id: 'b0', doc: { n: 0 } }));
        // Two full batches were cut at 10; the last 6 go out on the 50 ms timer without flush().
        const results = await Promise.all(pending);
        assert.equal(flaky.bulkRequests(), 3);
        results.slice(0, 25).forEach((r) => assert.equal(okOf(r).status, 201));
        assert.equal(failOf(results[25]).status, 409);
        const byBytes = new BulkBuffer(flaky.store, { maxDocs: 1000, maxBytes: 600, maxWaitMs: 10_000 });
        const big = Array.from({ length: 4 }, (_, n) => byBytes.add({ op: 'index', index, id: `big${n}`, doc: { msg: 'x'.repeat(200) } }));
        await byBytes.flush();
        (await Promise.all(big)).forEach((r) => okOf(r));
        assert.ok(flaky.bulkRequests() >= 5, `bytes limit splits batches (${flaky.bulkRequests()} requests)`);
      } finally {
        await flaky.close();
      }
    });
  });
}
