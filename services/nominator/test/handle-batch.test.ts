// Verdict batch handler with the in-memory ES and queue fakes: outcomes, DLQ on rejection, replay, probe-job dedup, transient errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeJson } from '@spamtrap/contracts';
import { EsRequestError, EsUnavailableError, MemoryEsStore } from '@spamtrap/es';
import { buildTemplates, indexNames, type NominationView } from '@spamtrap/es-schema';
import { verdictFixture } from '@spamtrap/es-schema/testing';
import type { IncomingRecord } from '@spamtrap/kafka';
import { silentLogger } from '@spamtrap/logging';
import { MemoryProbeQueue } from '@spamtrap/queue';
import { createVerdictHandler, probeJobIdFor, type ComputeViews } from '../src/index.js';

const PREFIX = 'unit';
const names = indexNames(PREFIX);
const NOW = Date.parse('2026-11-20T12:00:00.000Z');

/** The aggregation the real store runs, done in JS over the fake's search (the fake has no min/max/top_hits). */
function jsViews(store: MemoryEsStore): ComputeViews {
  return async (keys) => {
    const out: NominationView[] = [];
    for (const key of keys) {
      const r = await store.search(names.evidencePattern, { query: { term: { 'spamtrap.nomination.key': key } }, size: 10_000 });
      if (r.total === 0) continue;
      const docs = r.hits.map((h) => h.source as { '@timestamp': string; event: { id: string }; spamtrap: { verdict: { class: string; reasons: string[] }; nomination: { ip: string } } });
      const times = docs.map((d) => d['@timestamp']).sort();
      out.push({
        key,
        hits: r.total,
        firstSeen: times[0]!,
        lastSeen: times.at(-1)!,
        classes: [...new Set(docs.map((d) => d.spamtrap.verdict.class))],
        reasons: [...new Set(docs.flatMap((d) => d.spamtrap.verdict.reasons))],
        ips: [...new Set(docs.map((d) => d.spamtrap.nomination.ip))],
        probeKinds: [],
        helos: [],
        rdns: [],
        confidenceMax: null,
        evidenceIds: docs.map((d) => d.event.id),
      });
    }
    return out;
  };
}

let offset = 0;
const rec = (value: Buffer | string | null): IncomingRecord => ({ topic: 'v', partition: 0, offset: String(offset++), key: null, value: typeof value === 'string' ? Buffer.from(value) : value, headers: {}, timestamp: '0' });
const id = (n: number): string => `019a0000-0000-7000-8000-${String(n).padStart(12, '0')}`;

/**
 * The fake's strict check does not know `enabled: false` (opaque objects such as reason_details); real ES
 * does. Mark those nodes `dynamic: true` for the fake only; strictness elsewhere is still enforced.
 */
function fakeCompatible<T>(v: T): T {
  if (Array.isArray(v)) return v.map(fakeCompatible) as T;
  if (v !== null && typeof v === 'object') {
    const o = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fakeCompatible(x)]));
    return (o['enabled'] === false ? { ...o, dynamic: true } : o) as T;
  }
  return v;
}

async function setup(): Promise<{ store: MemoryEsStore; queue: MemoryProbeQueue; handler: ReturnType<typeof createVerdictHandler> }> {
  const store = new MemoryEsStore();
  await store.installTemplates(fakeCompatible(buildTemplates({ prefix: PREFIX })));
  const queue = new MemoryProbeQueue({ cooldownSeconds: 86_400 });
  const handler = createVerdictHandler(
    { prefix: PREFIX, redactionSecret: '', trapDomains: [], storeRaw: true, bulk: { maxDocs: 2, maxBytes: 1 << 20, maxWaitMs: 0 }, probeEnabled: true, probeCooldownMs: 86_400_000, probeMaxEvidenceAgeMs: 7 * 86_400_000 },
    { store, computeViews: jsViews(store), queue, log: silentLogger(), now: () => NOW },
  );
  return { store, queue, handler };
}

test('bad records go to the DLQ with a reason; good ones are indexed and nominated', async () => {
  const { store, queue, handler } = await setup();
  const good = verdictFixture({ evidenceId: id(1), acceptedAt: '2026-11-20T10:00:00.000Z' });
  const hollow = { v: 1, evidenceId: id(99), class: 'unknown', reasons: [], nomination: null, parsed: {} };
  const out = await handler([rec('not json'), rec(null), rec(encodeJson({ v: 1, evidenceId: 'x' })), rec(encodeJson(hollow)), rec(encodeJson(good))]);
  assert.deepEqual(out.map((o) => o.kind), ['dlq', 'dlq', 'dlq', 'dlq', 'ok']);
  assert.equal(out[3]!.kind === 'dlq' && out[3]!.reason, 'DOC_BUILD_FAILED');
  assert.equal(out[0]!.kind === 'dlq' && out[0]!.reason, 'DECODE_FAILED');
  assert.equal(out[1]!.kind === 'dlq' && out[1]!.reason, 'EMPTY_RECORD');
  assert.equal(out[2]!.kind === 'dlq' && out[2]!.reason, 'CONTRACT_VIOLATION');
  const ev = await store.get('unit-evidence-2026.11', id(1));
  assert.equal(ev.found, true);
  const nom = await store.get(names.nominations, '198.51.100.23');
  assert.equal((nom.source as { spamtrap: { nomination: { hits: number } } }).spamtrap.nomination.hits, 1);
  const jobId = probeJobIdFor('relay', '198.51.100.23', Date.parse('2026-11-20T10:00:00.000Z'), 86_400_000);
  const job = await queue.getJob(jobId);
  assert.ok(job, `job ${jobId} exists`);
  assert.equal(job.data.ip, '198.51.100.23');
  assert.deepEqual(job.data.evidenceIds, [id(1)]);
  assert.equal(job.data.firstSeen, '2026-11-20T10:00:00.000Z');
});

test('a document the strict mapping refuses is DLQd with the reason; the rest of the batch is indexed', async () => {
  const { store, handler } = await setup();
  const bad = verdictFixture({ evidenceId: id(2) });
  const good = verdictFixture({ evidenceId: id(3) });
  // Simulate a builder/template drift: the fake checks field presence under dynamic: strict.
  const badStore = store;
  const origBulk = badStore.bulkWrite.bind(badStore);
  badStore.bulkWrite = (ops, o) => origBulk(ops.map((op) => (op.op === 'index' && op.id === id(2) ? { ...op, doc: { ...op.doc, invented_field: 1 } } : op)), o);
  const out = await handler([rec(encodeJson(bad)), rec(encodeJson(good))]);
  assert.equal(out[0]!.kind, 'dlq');
  assert.equal(out[0]!.kind === 'dlq' && out[0]!.reason, 'ES_REJECTED');
  assert.match(out[0]!.kind === 'dlq' ? String(out[0]!.error) : '', /strict_dynamic_mapping_exception/);
  assert.equal(out[1]!.kind, 'ok');
  assert.equal((await store.get('unit-evidence-2026.11', id(3))).found, true);
});

test('replaying the same verdicts does not double-count hits nor add jobs', async () => {
  const { store, queue, handler } = await setup();
  const batch = [1, 2, 3].map((n) => rec(encodeJson(verdictFixture({ evidenceId: id(10 + n), acceptedAt: `2026-11-20T0${n}:00:00.000Z` }))));
  await handler(batch);
  await handler(batch);
  const nom = await store.get(names.nominations, '198.51.100.23');
  const n = (nom.source as { spamtrap: { nomination: { hits: number; first_seen: string; last_seen: string } } }).spamtrap.nomination;
  assert.equal(n.hits, 3);
  assert.equal(n.first_seen, '2026-11-20T01:00:00.000Z');
  assert.equal(n.last_seen, '2026-11-20T03:00:00.000Z');
  const counts = await queue.counts();
  assert.equal(counts.waiting, 1);
});

test('only relay and proxy suspects get jobs; old evidence gets none; Redis down throws (nothing committed)', async () => {
  const { queue, handler } = await setup();
  await handler([
    rec(encodeJson(verdictFixture({ evidenceId: id(20), peerIp: '198.51.100.50', cls: 'dynamic_ip' }))),
    rec(encodeJson(verdictFixture({ evidenceId: id(21), peerIp: '198.51.100.51', cls: 'open_proxy_suspect' }))),
    rec(encodeJson(verdictFixture({ evidenceId: id(22), peerIp: '198.51.100.52', acceptedAt: '2026-01-01T00:00:00.000Z' }))),
  ]);
  const counts = await queue.counts();
  assert.equal(counts.waiting, 1);
  assert.ok(await queue.getJob(probeJobIdFor('proxy', '198.51.100.51', Date.parse('2026-11-20T10:00:00.000Z'), 86_400_000)));
  queue.down = true;
  await assert.rejects(handler([rec(encodeJson(verdictFixture({ evidenceId: id(23), peerIp: '198.51.100.53' })))]), /down/);
  queue.down = false;
  await handler([rec(encodeJson(verdictFixture({ evidenceId: id(23), peerIp: '198.51.100.53' })))]);
  assert.equal((await queue.counts()).waiting, 2);
});

test('IPv6 evidence is nominated under its /64 key and the job id encodes it', async () => {
  const { store, queue, handler } = await setup();
  const key = '2001:db8:1:2::/64';
  await handler([
    rec(encodeJson(verdictFixture({ evidenceId: id(30), peerIp: '2001:db8:1:2::7', key }))),
    rec(encodeJson(verdictFixture({ evidenceId: id(31), peerIp: '2001:db8:1:2::8', key }))),
  ]);
  const nom = await store.get(names.nominations, key);
  const src = nom.source as { spamtrap: { nomination: { hits: number; ips: string[] } }; threat: { indicator: { ip: string } } };
  assert.equal(src.spamtrap.nomination.hits, 2);
  assert.equal(src.threat.indicator.ip, '2001:db8:1:2::');
  const jobId = probeJobIdFor('relay', key, Date.parse('2026-11-20T10:00:00.000Z'), 86_400_000);
  assert.match(jobId, /^relay-2001_db8_1_2___64-\d+$/);
  assert.ok(await queue.getJob(jobId));
  assert.equal((await queue.counts()).waiting, 1);
});

test('Elasticsearch 429/503: retried with backoff; beyond the budget the batch throws (nothing committed), then succeeds idempotently', async () => {
  const { store, handler } = await setup();
  const batch = [rec(encodeJson(verdictFixture({ evidenceId: id(40), peerIp: '198.51.100.60' })))];
  // A short burst of 429s on items is absorbed by the adapter's retries.
  store.cluster.injectFailures({ scope: 'items', status: 429, requests: 2 });
  assert.deepEqual((await handler(batch)).map((o) => o.kind), ['ok']);
  // An outage longer than the retry budget surfaces as a transient error.
  store.cluster.injectFailures({ scope: 'request', status: 503, requests: 1000 });
  await assert.rejects(handler([rec(encodeJson(verdictFixture({ evidenceId: id(41), peerIp: '198.51.100.60' })))]), (e: Error & { transient?: boolean }) => e.transient === true);
  store.cluster.failures = [];
  assert.deepEqual((await handler([rec(encodeJson(verdictFixture({ evidenceId: id(41), peerIp: '198.51.100.60' })))])).map((o) => o.kind), ['ok']);
  const nom = await store.get(names.nominations, '198.51.100.60');
  assert.equal((nom.source as { spamtrap: { nomination: { hits: number } } }).spamtrap.nomination.hits, 2);
});

test('permanent request-level refusals (413 bulk, 400 aggregation) DLQ the affected records instead of blocking the partition', async () => {
  const { store } = await setup();
  const big = id(50);
  const refusing = {
    refresh: (i: string) => store.refresh(i),
    bulkWrite: (ops: Parameters<MemoryEsStore['bulkWrite']>[0], o?: Parameters<MemoryEsStore['bulkWrite']>[1]) =>
      ops.some((op) => op.id === big) ? Promise.reject(new EsRequestError('bulk: HTTP 413 request too large', 413, 'content_too_long')) : store.bulkWrite(ops, o),
  };
  const h = createVerdictHandler(
    { prefix: PREFIX, redactionSecret: '', trapDomains: [], storeRaw: true, bulk: { maxDocs: 1, maxBytes: 1 << 20, maxWaitMs: 0 }, probeEnabled: false, probeCooldownMs: 86_400_000, probeMaxEvidenceAgeMs: 86_400_000 },
    { store: refusing, computeViews: jsViews(store), queue: null, log: silentLogger(), now: () => NOW },
  );
  const out = await h([rec(encodeJson(verdictFixture({ evidenceId: big, peerIp: '198.51.100.70' }))), rec(encodeJson(verdictFixture({ evidenceId: id(51), peerIp: '198.51.100.71' })))]);
  assert.equal(out[0]!.kind === 'dlq' && out[0]!.reason, 'ES_REJECTED');
  assert.match(out[0]!.kind === 'dlq' ? String(out[0]!.error) : '', /content_too_long/);
  assert.equal(out[1]!.kind, 'ok');

  const badViews = createVerdictHandler(
    { prefix: PREFIX, redactionSecret: '', trapDomains: [], storeRaw: true, bulk: { maxDocs: 10, maxBytes: 1 << 20, maxWaitMs: 0 }, probeEnabled: false, probeCooldownMs: 86_400_000, probeMaxEvidenceAgeMs: 86_400_000 },
    { store, computeViews: () => Promise.reject(new EsRequestError('aggregate: HTTP 400 illegal_argument_exception', 400, 'illegal_argument_exception')), queue: null, log: silentLogger(), now: () => NOW },
  );
  const out2 = await badViews([rec(encodeJson(verdictFixture({ evidenceId: id(52), peerIp: '198.51.100.72' }))), rec(encodeJson(verdictFixture({ evidenceId: id(53), peerIp: '198.51.100.73', key: null })))]);
  assert.equal(out2[0]!.kind === 'dlq' && out2[0]!.reason, 'NOMINATION_FAILED');
  assert.equal(out2[1]!.kind, 'ok', 'records without a nomination are unaffected');
  assert.equal((await store.get('unit-evidence-2026.11', id(52))).found, true, 'the evidence itself is stored');
  // A transient failure of the same step still throws (retry the batch, commit nothing).
  const downViews = createVerdictHandler(
    { prefix: PREFIX, redactionSecret: '', trapDomains: [], storeRaw: true, bulk: { maxDocs: 10, maxBytes: 1 << 20, maxWaitMs: 0 }, probeEnabled: false, probeCooldownMs: 86_400_000, probeMaxEvidenceAgeMs: 86_400_000 },
    { store, computeViews: () => Promise.reject(new EsUnavailableError('aggregate: connection refused')), queue: null, log: silentLogger(), now: () => NOW },
  );
  await assert.rejects(downViews([rec(encodeJson(verdictFixture({ evidenceId: id(54), peerIp: '198.51.100.74' })))]), /connection refused/);
});
