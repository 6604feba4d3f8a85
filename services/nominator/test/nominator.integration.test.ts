// The nominator service on the real Kafka, Elasticsearch and Redis: verdicts and sessions in, evidence/nominations/jobs out, DLQ, replay.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeJson, prefixedTopics, type TopicNames } from '@spamtrap/contracts';
import { createEsStore, esConfigSchema, type EsStore } from '@spamtrap/es';
import { buildTemplates, indexNames } from '@spamtrap/es-schema';
import { sessionFixture, verdictFixture } from '@spamtrap/es-schema/testing';
import { createKafka, loadKafkaConfig, pipelineTopicSpecs, readDlqHeaders, type IncomingRecord, type RecordPublisher, type SpamtrapKafka, type StageConsumer, type TopicAdmin } from '@spamtrap/kafka';
import { createBullProbeQueue, queueConfigSchema, type ProbeQueue } from '@spamtrap/queue';
import { loadNominatorConfig, probeJobIdFor, startNominator, type NominatorConfig, type RunningNominator } from '../src/index.js';

const WAIT_MS = 90_000;
const PREFIX = `test-${randomUUID().slice(0, 8)}`;
const names = indexNames(PREFIX);

async function waitFor(cond: () => Promise<boolean> | boolean, what: string, ms = WAIT_MS): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** Freshly created topics can answer "unknown topic or partition" for a moment; retry a few times. */
async function retry<T>(f: () => Promise<T>, attempts = 10): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await f();
    } catch (err) {
      if (i >= attempts) throw err;
      await sleep(300 * i);
    }
  }
}

const id = (n: number): string => `019a0000-0000-7000-8000-${String(n).padStart(12, '0')}`;
const recent = (minutesAgo: number): string => new Date(Date.now() - minutesAgo * 60_000).toISOString();

void describe('nominator service on the local Kafka, ES and Redis', { timeout: 5 * WAIT_MS }, () => {
  let kafka: SpamtrapKafka;
  let admin: TopicAdmin;
  let publisher: RecordPublisher;
  let store: EsStore;
  let queue: ProbeQueue;
  let topics: TopicNames;
  const running: Array<RunningNominator | StageConsumer> = [];

  before(async () => {
    kafka = createKafka(loadKafkaConfig(process.env, { clientId: 'spamtrap-nominator-test' }));
    admin = kafka.createAdmin();
    publisher = kafka.createPublisher();
    store = createEsStore(esConfigSchema.load());
    queue = await createBullProbeQueue({ ...queueConfigSchema.load(), prefix: PREFIX });
    topics = prefixedTopics(`test-nominator-${randomUUID().slice(0, 8)}`);
    await admin.ensureTopics(pipelineTopicSpecs(topics));
  });

  after(async () => {
    for (const r of running) await r.stop().catch(() => undefined);
    await publisher.close();
    await admin.deleteTopics(Object.values(topics)).catch(() => undefined);
    await admin.close();
    await store.deleteIndices(`${PREFIX}-*`);
    await store.deleteTemplates(buildTemplates({ prefix: PREFIX }));
    await store.close();
    await queue.obliterate();
    await queue.close();
  });

  function config(over: Partial<NominatorConfig> = {}): NominatorConfig {
    return loadNominatorConfig(process.env, {
      clientId: 'spamtrap-nominator-test',
      verdictsTopic: topics.verdicts,
      sessionsTopic: topics.sessions,
      dlqTopic: topics.dlq,
      groupId: `nominator-${randomUUID().slice(0, 8)}`,
      indexPrefix: PREFIX,
      trapDomains: ['traps.example.org'],
      ...over,
    });
  }

  async function collect(topic: string): Promise<{ records: IncomingRecord[]; consumer: StageConsumer }> {
    const records: IncomingRecord[] = [];
    const consumer = kafka.createStageConsumer(publisher, {
      stage: 'test-reader',
      groupId: `reader-${randomUUID().slice(0, 8)}`,
      topic,
      dlqTopic: `${topic}.unused`,
      handler: (rs) => {
        records.push(...rs);
        return Promise.resolve(rs.map(() => ({ kind: 'ok' as const, outputs: [] })));
      },
    });
    await consumer.start();
    running.push(consumer);
    return { records, consumer };
  }

  const count = (q: Record<string, unknown>): Promise<number> => store.count(names.evidencePattern, q);

  it('indexes verdicts and sessions, DLQs bad records, nominates and enqueues; a replay changes nothing', async () => {
    const dlq = await collect(topics.dlq);
    // A store whose bulk smuggles an unknown field into one document: Elasticsearch's strict mapping
    // refuses it, and that record alone must reach the DLQ with ES's reason.
    const tampering: EsStore = Object.assign(Object.create(store) as EsStore, {
      bulkWrite: (ops: Parameters<EsStore['bulkWrite']>[0], o?: Parameters<EsStore['bulkWrite']>[1]) =>
        store.bulkWrite(ops.map((op) => (op.op === 'index' && op.id === id(6) ? { ...op, doc: { ...op.doc, smuggled: true } } : op)), o),
    });
    const n1 = await startNominator(config(), { kafka, store: tampering, queue });
    running.push(n1);
    const verdicts = [1, 2, 3].map((n) => verdictFixture({ evidenceId: id(n), peerIp: '198.51.100.40', acceptedAt: recent(10 * n) }));
    const proxy = verdictFixture({ evidenceId: id(4), peerIp: '198.51.100.41', cls: 'open_proxy_suspect', acceptedAt: recent(5) });
    // A retried publish may duplicate records: harmless by design (idempotent by evidence id).
    await retry(() => publisher.publish([
      ...verdicts.map((v) => ({ topic: topics.verdicts, key: v.evidenceId, value: encodeJson(v) })),
      { topic: topics.verdicts, key: 'bad', value: '{"v":1,"evidenceId":"nope"}' },
      { topic: topics.verdicts, key: proxy.evidenceId, value: encodeJson(proxy) },
      { topic: topics.verdicts, key: id(6), value: encodeJson(verdictFixture({ evidenceId: id(6), peerIp: '198.51.100.43', acceptedAt: recent(3) })) },
      { topic: topics.sessions, key: id(5), value: encodeJson(sessionFixture(id(5), '198.51.100.42', recent(1))) },
      { topic: topics.sessions, key: 'junk', value: 'binary\u0000junk' },
    ]));
    await waitFor(async () => (await count({ match_all: {} })) === 5, '5 evidence documents');
    await waitFor(() => new Set(dlq.records.map((r) => readDlqHeaders(r)?.reason)).size === 3, '3 kinds of DLQ records');
    const infos = dlq.records.map((r) => readDlqHeaders(r));
    assert.deepEqual([...new Set(infos.map((i) => i?.reason))].sort(), ['CONTRACT_VIOLATION', 'DECODE_FAILED', 'ES_REJECTED']);
    const rejected = infos.find((i) => i?.reason === 'ES_REJECTED');
    assert.equal(rejected?.evidenceId, id(6));
    assert.match(String(rejected?.error), /strict_dynamic_mapping_exception: .*smuggled/);
    assert.equal(rejected?.stage, 'nominator');
    assert.equal(rejected?.sourceTopic, topics.verdicts);
    // Records spread over partitions (batches): the view converges to all three.
    const hits = async (): Promise<number | undefined> => ((await store.get(names.nominations, '198.51.100.40')).source as { spamtrap: { nomination: { hits: number } } } | undefined)?.spamtrap.nomination.hits;
    await waitFor(async () => (await hits()) === 3, 'nomination with 3 hits');
    const cooldown = config().probeCooldownSeconds * 1000;
    await waitFor(async () => (await queue.getJob(probeJobIdFor('proxy', '198.51.100.41', Date.parse(proxy.parsed.facts.smtp!.acceptedAt), cooldown))) !== null, 'proxy job');
    const relayJobs = new Set(verdicts.map((v) => probeJobIdFor('relay', '198.51.100.40', Date.parse(v.parsed.facts.smtp!.acceptedAt), cooldown)));
    for (const j of relayJobs) assert.ok(await queue.getJob(j), `job ${j}`);
    const before = await queue.counts();

    // The session doc carries no trap address and is typed as a session.
    assert.equal(await count({ term: { 'event.dataset': 'spamtrap.session' } }), 1);

    // Replay: the same verdicts again (a second nominator instance in another group re-reads everything).
    await retry(() => publisher.publish(verdicts.map((v) => ({ topic: topics.verdicts, key: v.evidenceId, value: encodeJson(v) }))));
    const n2 = await startNominator(config({ groupId: `nominator-${randomUUID().slice(0, 8)}`, consumeSessions: false }), { kafka, store: tampering, queue });
    running.push(n2);
    // Each re-index bumps _version: 1 original + 1 republished (first instance) + 2 (second instance re-reads both).
    const evIndex = `${PREFIX}-evidence-${verdicts[0]!.parsed.facts.smtp!.acceptedAt.slice(0, 7).replace('-', '.')}`;
    await waitFor(async () => ((await store.get(evIndex, id(1))).version ?? 0) >= 4, 'replayed evidence re-indexed by both instances');
    await sleep(2000); // let that batch finish its nomination and probe steps
    await waitFor(async () => (await count({ match_all: {} })) === 5, 'still 5 evidence documents');
    assert.equal(await hits(), 3);
    const afterCounts = await queue.counts();
    assert.equal(afterCounts.waiting, before.waiting, 'no duplicate probe jobs');
  });
});
