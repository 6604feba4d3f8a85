// The parser service against the real local Kafka: raw -> parsed, DLQ with source coordinates, replay determinism, two instances in one group.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeParsed, prefixedTopics, type TopicNames } from '@spamtrap/contracts';
import { createKafka, loadKafkaConfig, pipelineTopicSpecs, readDlqHeaders, type IncomingRecord, type SpamtrapKafka, type StageConsumer, type TopicAdmin, type RecordPublisher } from '@spamtrap/kafka';
import { loadParserConfig, startParser, type ParserConfig, type RunningParser } from '@spamtrap/parser';
import * as M from '../../../libs/mail-facts/test/messages.js';
import { importFacts, rawOutgoing, smtpFacts, trapMessage } from './fixtures.js';

const WAIT_MS = 90_000;

async function waitFor(cond: () => boolean, what: () => string, ms = WAIT_MS): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what()}`);
    await sleep(100);
  }
}

void describe('parser service on the local Kafka', { timeout: 5 * WAIT_MS }, () => {
  let kafka: SpamtrapKafka;
  let admin: TopicAdmin;
  let publisher: RecordPublisher;
  const created: string[] = [];
  const running: (RunningParser | StageConsumer)[] = [];

  before(() => {
    kafka = createKafka(loadKafkaConfig(process.env, { clientId: 'spamtrap-parser-test' }));
    admin = kafka.createAdmin();
    publisher = kafka.createPublisher();
  });

  after(async () => {
    for (const r of running) await r.stop().catch(() => undefined);
    await publisher.close();
    await admin.deleteTopics(created).catch(() => undefined);
    await admin.close();
  });

  async function topics(): Promise<TopicNames> {
    const names = prefixedTopics(`test-parser-${randomUUID().slice(0, 8)}`);
    await admin.ensureTopics(pipelineTopicSpecs(names));
    created.push(...Object.values(names));
    return names;
  }

  function config(t: TopicNames, over: Partial<ParserConfig> = {}): ParserConfig {
    return loadParserConfig(process.env, {
      clientId: 'spamtrap-parser-test',
      inputTopic: t.raw,
      outputTopic: t.parsed,
      dlqTopic: t.dlq,
      groupId: `parser-${randomUUID().slice(0, 8)}`,
      trusted: ['192.0.2.0/24'],
      sinkTrust: { sinkA: ['*.trap.example'] },
      ...over,
    });
  }

  async function parser(cfg: ParserConfig): Promise<RunningParser> {
    const p = await startParser(cfg, { kafka });
    running.push(p);
    return p;
  }

  /** Collects everything on a topic with a fresh consumer group; stop() it when done. */
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
    running.push(consumer);
    await consumer.start();
    return { records, consumer };
  }

  void it('parses smtp and import records, DLQs bad ones with source coordinates, and replays byte-identically', { timeout: 3 * WAIT_MS }, async () => {
    const t = await topics();
    const good = [
      ...Array.from({ length: 6 }, (_, i) => {
        const raw = trapMessage(`s${i}`);
        return rawOutgoing(t.raw, raw, smtpFacts(raw, {}, i));
      }),
      ...[M.ALTERNATIVE, M.ATTACHMENTS, M.UNTERMINATED, M.junk(3000)].map((raw, i) => rawOutgoing(t.raw, raw, importFacts(raw, i))),
    ];
    const badRaw = trapMessage('bad');
    const tamperedFacts = smtpFacts(badRaw, {}, 99);
    const bad = [
      { ...rawOutgoing(t.raw, badRaw, '{"v":1,"evidenceId":"nope"'), key: 'bad-facts' },
      { ...rawOutgoing(t.raw, Buffer.concat([badRaw, Buffer.from('x')]), tamperedFacts), key: 'tampered' },
    ];
    await publisher.publish([...good, ...bad]);

    const rawReader = await collect(t.raw);
    const parsedReader = await collect(t.parsed);
    const dlqReader = await collect(t.dlq);
    await parser(config(t));
    await waitFor(
      () => parsedReader.records.length >= good.length && dlqReader.records.length >= bad.length && rawReader.records.length >= good.length + bad.length,
      () => `parsed ${parsedReader.records.length}/${good.length}, dlq ${dlqReader.records.length}/${bad.length}`,
    );
    await sleep(1500); // extras would show up here

    assert.equal(parsedReader.records.length, good.length);
    const byId = new Map(parsedReader.records.map((r) => [r.key?.toString() ?? '', r]));
    for (const g of good) {
      const r = byId.get(String(g.key));
      assert.ok(r, `parsed record for ${String(g.key)}`);
      const p = decodeParsed(r.value);
      assert.equal(p.evidenceId, g.key);
      assert.equal(Buffer.from(p.rawBase64, 'base64').equals(g.value as Buffer), true);
      if (p.facts.source === 'smtp') {
        assert.equal(p.walk.relay?.source, 'session');
        assert.equal(p.walk.relay?.ip, p.facts.smtp!.peer.ip);
      }
    }

    assert.equal(dlqReader.records.length, bad.length);
    const reasons = new Map<string, string>();
    for (const d of dlqReader.records) {
      const info = readDlqHeaders(d);
      assert.ok(info, 'DLQ info header');
      assert.equal(info.stage, 'parser');
      assert.equal(info.sourceTopic, t.raw);
      const source = rawReader.records.find((r) => r.partition === info.partition && r.offset === info.offset);
      assert.ok(source, `raw record at ${info.partition}/${info.offset}`);
      assert.equal(source.key?.toString(), d.key?.toString());
      assert.equal(source.value?.equals(d.value!), true, 'DLQ keeps the original bytes');
      reasons.set(d.key!.toString(), info.reason);
      if (d.key?.toString() === 'tampered') assert.equal(info.evidenceId, tamperedFacts.evidenceId);
    }
    assert.deepEqual(Object.fromEntries(reasons), { 'bad-facts': 'DECODE_FAILED', tampered: 'INTEGRITY_MISMATCH' });

    // Replay: a second parser (new group) over the same input writes the same bytes.
    const replayTopic = `${t.parsed}.replay`;
    await admin.ensureTopics([{ topic: replayTopic, partitions: 4, maxMessageBytes: 32 * 1024 * 1024 }]);
    created.push(replayTopic);
    const replayReader = await collect(replayTopic);
    await parser(config(t, { outputTopic: replayTopic }));
    await waitFor(() => replayReader.records.length >= good.length, () => `replayed ${replayReader.records.length}/${good.length}`);
    for (const r of replayReader.records) {
      const first = byId.get(r.key!.toString());
      assert.ok(first);
      assert.equal(first.value!.equals(r.value!), true, `byte-identical replay for ${r.key?.toString()}`);
    }
  });

  void it('two parser instances in one group share 4 partitions without loss or duplication', { timeout: 3 * WAIT_MS }, async () => {
    const t = await topics();
    const cfg = config(t);
    const one = await parser(cfg);
    const two = await parser(cfg);
    await sleep(3000); // let both members join before records arrive, so no batch is handed over mid-way
    const n = 80;
    const records = Array.from({ length: n }, (_, i) => {
      const raw = trapMessage(`g${i}`);
      return rawOutgoing(t.raw, raw, i % 2 === 0 ? smtpFacts(raw, {}, i) : importFacts(raw, i));
    });
    await publisher.publish(records);
    const reader = await collect(t.parsed);
    await waitFor(() => reader.records.length >= n, () => `parsed ${reader.records.length}/${n}`);
    await sleep(2000);
    const ids = reader.records.map((r) => r.key!.toString());
    assert.equal(new Set(ids).size, n, 'every evidence id parsed');
    assert.equal(ids.length, n, 'no evidence id parsed twice');
    assert.deepEqual(new Set(ids), new Set(records.map((r) => r.key)));
    const partitions = new Set(reader.records.map((r) => r.partition));
    assert.ok(partitions.size > 1, 'output spread over partitions');
    // Both members did part of the work, and together exactly all of it.
    assert.ok(one.stats().parsed > 0 && two.stats().parsed > 0, `split ${one.stats().parsed} / ${two.stats().parsed}`);
    assert.equal(one.stats().parsed + two.stats().parsed, n);
  });
});
