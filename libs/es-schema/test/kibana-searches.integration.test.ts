// Runs every saved search of deploy/kibana against the real Elasticsearch: the Lucene query validates and finds the expected fixtures.
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createEsStore, esConfigSchema, type BulkOp, type EsStore } from '@spamtrap/es';
import { buildEvidenceDoc, buildNominationDoc, buildSessionDoc, buildTemplates, indexNames, nominationAggregation, parseNominationAggregation } from '../src/index.js';
import { sessionFixture, verdictFixture } from '../src/testing/fixtures.js';
import { loadObjects, searchSource } from './kibana-assets.js';

const cfg = esConfigSchema.load();
const PREFIX = `test-${randomUUID().slice(0, 8)}`;
const names = indexNames(PREFIX);
const templates = buildTemplates({ prefix: PREFIX });
let store: EsStore;

const id = (n: number): string => `019a0000-0000-7000-8000-${String(n).padStart(12, '0')}`;
const ago = (ms: number): string => new Date(Date.now() - ms).toISOString();
const H = 3600_000;

/** Expected document ids per saved search id (evidence ids, or nomination keys). */
const EXPECTED: Record<string, string[]> = {
  'spamtrap-search-ip': [id(1)],
  'spamtrap-search-proxy-24h': [id(2), id(5)],
  'spamtrap-search-stolen-account': [id(4)],
  'spamtrap-search-by-helo': [id(1), id(2), id(3), id(4)],
  'spamtrap-search-nominations': ['198.51.100.23', '203.0.113.50', '203.0.113.51'],
};

before(async () => {
  store = createEsStore(cfg);
  await store.installTemplates(templates);
  const verdicts = [
    verdictFixture({ evidenceId: id(1), peerIp: '198.51.100.23', acceptedAt: ago(1 * H), helo: 'mail.relay.example' }),
    verdictFixture({ evidenceId: id(2), peerIp: '203.0.113.50', cls: 'open_proxy_suspect', acceptedAt: ago(2 * H), helo: 'bogus-helo' }),
    verdictFixture({ evidenceId: id(3), peerIp: '203.0.113.51', cls: 'open_proxy_suspect', acceptedAt: ago(72 * H), helo: 'bogus-helo' }),
    verdictFixture({ evidenceId: id(4), peerIp: '192.0.2.10', key: null, cls: 'stolen_account', reasons: ['AUTHENTICATED'], acceptedAt: ago(5 * H), helo: 'smtp.provider.example' }),
  ];
  const docs = [...verdicts.map((v) => buildEvidenceDoc(v, { prefix: PREFIX })), buildSessionDoc(sessionFixture(id(5), '203.0.113.60', ago(H / 2)), { prefix: PREFIX })];
  const ops: BulkOp[] = docs.map((d) => ({ op: 'index', index: d.index, id: d.id, doc: d.doc }));
  const res = await store.bulkWrite(ops, { refresh: 'wait_for' });
  assert.ok(res.every((r) => r.ok), JSON.stringify(res.filter((r) => !r.ok)));
  const { query, aggs } = nominationAggregation(['198.51.100.23', '203.0.113.50', '203.0.113.51']);
  const views = parseNominationAggregation(await store.aggregate(names.evidencePattern, aggs, query));
  assert.equal(views.length, 3);
  const nomRes = await store.bulkWrite(
    views.map((v) => ({ op: 'index', index: names.nominations, id: v.key, doc: buildNominationDoc(v, new Date().toISOString()), version: v.hits, versionType: 'external_gte' })),
    { refresh: 'wait_for' },
  );
  assert.ok(nomRes.every((r) => r.ok));
});

after(async () => {
  await store.deleteIndices(`${PREFIX}-*`);
  await store.deleteTemplates(templates);
  await store.close();
});

test('every saved search validates and finds exactly its fixtures', async () => {
  const objects = loadObjects();
  const dataViews = new Map(objects.filter((o) => o.type === 'index-pattern').map((o) => [o.id, String(o.attributes['title'])]));
  const searches = objects.filter((o) => o.type === 'search');
  assert.deepEqual(searches.map((s) => s.id).sort(), Object.keys(EXPECTED).sort(), 'every saved search has expectations');
  for (const s of searches) {
    const src = searchSource(s);
    const dvId = s.references.find((r) => r.name === src.indexRefName)!.id;
    // Data view titles use the default prefix; tests run on their own.
    const index = dataViews.get(dvId)!.replace(/^spamtrap-/, `${PREFIX}-`);
    const qs = { query_string: { query: src.query.query, analyze_wildcard: true } };
    const v = await fetch(`${cfg.node}/${index}/_validate/query?explain=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: qs }),
    });
    const vb = (await v.json()) as { valid: boolean; explanations?: Array<{ error?: string }> };
    assert.equal(vb.valid, true, `${s.id}: ${JSON.stringify(vb.explanations)}`);
    const r = await store.search(index, { query: qs, size: 100, _source: false });
    assert.deepEqual(r.hits.map((h) => h.id).sort(), [...EXPECTED[s.id]!].sort(), `${s.id}: ${src.query.query}`);
  }
});
