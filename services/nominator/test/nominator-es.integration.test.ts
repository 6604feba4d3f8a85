// The verdict handler against the real Elasticsearch and Redis: templates, strict rejection to DLQ, replay, two nominators, job dedup.
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeJson } from '@spamtrap/contracts';
import { createEsStore, esConfigSchema, type EsStore } from '@spamtrap/es';
import { buildTemplates, indexNames } from '@spamtrap/es-schema';
import { verdictFixture } from '@spamtrap/es-schema/testing';
import type { IncomingRecord } from '@spamtrap/kafka';
import { silentLogger } from '@spamtrap/logging';
import { createBullProbeQueue, queueConfigSchema, type ProbeQueue } from '@spamtrap/queue';
import { aggregationViews, createVerdictHandler, probeJobIdFor } from '../src/index.js';

const PREFIX = `test-${randomUUID().slice(0, 8)}`;
const names = indexNames(PREFIX);
const templates = buildTemplates({ prefix: PREFIX });
const NOW = Date.parse('2026-11-20T12:00:00.000Z');
let store: EsStore;
let queue: ProbeQueue;

const id = (n: number): string => `019a0000-0000-7000-8000-${String(n).padStart(12, '0')}`;
let offset = 0;
const rec = (value: Buffer): IncomingRecord => ({ topic: 'v', partition: 0, offset: String(offset++), key: null, value, headers: {}, timestamp: '0' });

function handler(s: Pick<EsStore, 'bulkWrite' | 'refresh'> = store): ReturnType<typeof createVerdictHandler> {
  return createVerdictHandler(
    { prefix: PREFIX, redactionSecret: '', trapDomains: [], storeRaw: true, bulk: { maxDocs: 50, maxBytes: 1 << 20, maxWaitMs: 0 }, probeEnabled: true, probeCooldownMs: 86_400_000, probeMaxEvidenceAgeMs: 30 * 86_400_000 },
    { store: s, computeViews: aggregationViews(store, names.evidencePattern), queue, log: silentLogger(), now: () => NOW },
  );
}

async function nomination(key: string): Promise<{ hits: number; first_seen: string; last_seen: string; evidence_ids: string[]; classes: string[]; reasons: string[] } | null> {
  const g = await store.get(names.nominations, key);
  return g.found ? (g.source as { spamtrap: { nomination: never } }).spamtrap.nomination : null;
}

before(async () => {
  store = createEsStore(esConfigSchema.load());
  queue = await createBullProbeQueue({ ...queueConfigSchema.load(), prefix: PREFIX, queueName: 'probe' });
  await store.installTemplates(templates);
});

after(async () => {
  await store.deleteIndices(`${PREFIX}-*`);
  await store.deleteTemplates(templates);
  await store.close();
  await queue.obliterate();
  await queue.close();
});

test('templates install idempotently and are strict', async () => {
  await store.installTemplates(templates);
  await store.installTemplates(templates);
  assert.equal(await store.ensureIndex(`${PREFIX}-evidence-2026.11`), true);
  assert.equal(await store.ensureIndex(`${PREFIX}-evidence-2026.11`), false);
  const [r] = await store.bulkWrite([{ op: 'index', index: `${PREFIX}-evidence-2026.11`, id: 'x', doc: { '@timestamp': '2026-11-20T00:00:00Z', spamtrap: { whatever: 1 } } }]);
  assert.equal(r!.ok, false);
  assert.equal(!r!.ok && r!.type, 'strict_dynamic_mapping_exception');
});

test('a rejected document goes to the DLQ with Elasticsearch\'s reason; the rest of the batch is indexed', async () => {
  const tamper: Pick<EsStore, 'bulkWrite' | 'refresh'> = {
    refresh: (index) => store.refresh(index),
    bulkWrite: (ops, o) => store.bulkWrite(ops.map((op) => (op.op === 'index' && op.id === id(1) ? { ...op, doc: { ...op.doc, spammer_field: 'x' } } : op)), o),
  };
  const out = await handler(tamper)([
    rec(encodeJson(verdictFixture({ evidenceId: id(1), peerIp: '198.51.100.1' }))),
    rec(encodeJson(verdictFixture({ evidenceId: id(2), peerIp: '198.51.100.2' }))),
  ]);
  assert.equal(out[0]!.kind, 'dlq');
  assert.equal(out[0]!.kind === 'dlq' && out[0]!.reason, 'ES_REJECTED');
  assert.match(out[0]!.kind === 'dlq' ? String(out[0]!.error) : '', /strict_dynamic_mapping_exception: .*spammer_field/);
  assert.equal(out[1]!.kind, 'ok');
  assert.equal((await store.get(`${PREFIX}-evidence-2026.11`, id(2))).found, true);
  assert.equal((await store.get(`${PREFIX}-evidence-2026.11`, id(1))).found, false);
  assert.equal((await nomination('198.51.100.2'))?.hits, 1);
});

test('replaying the same verdicts does not double-count hits', async () => {
  const batch = [1, 2, 3, 4].map((n) => rec(encodeJson(verdictFixture({ evidenceId: id(100 + n), peerIp: '198.51.100.10', acceptedAt: `2026-11-1${n}T08:00:00.000Z`, reasons: [`R${n}`] }))));
  const h = handler();
  await h(batch);
  await h(batch);
  await h(batch.slice(1, 3));
  const n = await nomination('198.51.100.10');
  assert.ok(n);
  assert.equal(n.hits, 4);
  assert.equal(n.first_seen, '2026-11-11T08:00:00.000Z');
  assert.equal(n.last_seen, '2026-11-14T08:00:00.000Z');
  assert.deepEqual(n.evidence_ids, [id(104), id(103), id(102), id(101)]);
  assert.deepEqual([...n.reasons].sort(), ['R1', 'R2', 'R3', 'R4']);
  assert.deepEqual(n.classes, ['open_relay_suspect']);
});

test('two nominators writing the same key concurrently converge to the right count', async () => {
  const key = '198.51.100.20';
  const a = handler();
  const b = handler();
  const mk = (n: number): IncomingRecord => rec(encodeJson(verdictFixture({ evidenceId: id(200 + n), peerIp: key, acceptedAt: `2026-11-05T00:00:${String(n).padStart(2, '0')}.000Z` })));
  // Interleaved small batches from both "instances", overlapping in time.
  const runs: Promise<unknown>[] = [];
  for (let i = 0; i < 10; i++) runs.push((i % 2 === 0 ? a : b)([mk(i * 3), mk(i * 3 + 1), mk(i * 3 + 2)]));
  await Promise.all(runs);
  assert.equal((await nomination(key))?.hits, 30);
});

test('probe jobs are deduplicated per (kind, key, window) on real Redis', async () => {
  const key = '198.51.100.30';
  const h = handler();
  await h([rec(encodeJson(verdictFixture({ evidenceId: id(300), peerIp: key, acceptedAt: '2026-11-19T01:00:00.000Z' })))]);
  await h([rec(encodeJson(verdictFixture({ evidenceId: id(301), peerIp: key, acceptedAt: '2026-11-19T02:00:00.000Z' })))]);
  await h([rec(encodeJson(verdictFixture({ evidenceId: id(300), peerIp: key, acceptedAt: '2026-11-19T01:00:00.000Z' })))]);
  const jobId = probeJobIdFor('relay', key, Date.parse('2026-11-19T01:00:00.000Z'), 86_400_000);
  const job = await queue.getJob(jobId);
  assert.ok(job);
  assert.equal(job.data.kind, 'relay');
  assert.deepEqual(job.data.evidenceIds, [id(300)]);
  // A later window yields one new job.
  await h([rec(encodeJson(verdictFixture({ evidenceId: id(302), peerIp: key, acceptedAt: '2026-11-20T03:00:00.000Z' })))]);
  const next = await queue.getJob(probeJobIdFor('relay', key, Date.parse('2026-11-20T03:00:00.000Z'), 86_400_000));
  assert.ok(next);
  assert.equal(next.data.firstSeen, '2026-11-19T01:00:00.000Z');
});
