// startParser on the in-memory Kafka fake: raw in, parsed and DLQ out, offsets committed, stop drains.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeParsed, prefixedTopics } from '@spamtrap/contracts';
import { createMemoryKafka, pipelineTopicSpecs, readDlqHeaders } from '@spamtrap/kafka';
import { loadParserConfig, startParser } from '@spamtrap/parser';
import { importFacts, rawOutgoing, smtpFacts, trapMessage } from './fixtures.js';

async function waitFor(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out: ${what}`);
    await sleep(20);
  }
}

test('parser stage on the fake: every raw record becomes one parsed or one DLQ record, offsets committed', async () => {
  const kafka = createMemoryKafka();
  const t = prefixedTopics('unit');
  await kafka.admin.ensureTopics(pipelineTopicSpecs(t));
  const cfg = loadParserConfig({}, { inputTopic: t.raw, outputTopic: t.parsed, dlqTopic: t.dlq, groupId: 'unit-parser' });
  const parser = await startParser(cfg, { kafka });
  const good = Array.from({ length: 10 }, (_, i) => {
    const raw = trapMessage(`u${i}`);
    return rawOutgoing(t.raw, raw, i % 2 === 0 ? smtpFacts(raw, {}, i) : importFacts(raw, i));
  });
  const bad = rawOutgoing(t.raw, trapMessage('x'), null);
  await kafka.publisher.publish([...good, bad]);
  await waitFor(() => kafka.records(t.parsed).length === good.length && kafka.records(t.dlq).length === 1, 'outputs');
  await parser.stop();
  assert.deepEqual(parser.stats(), { parsed: good.length, dlq: 1 });

  const ids = kafka.records(t.parsed).map((r) => decodeParsed(r.value).evidenceId).sort();
  assert.deepEqual(ids, good.map((g) => String(g.key)).sort());
  assert.equal(readDlqHeaders(kafka.records(t.dlq)[0]!)?.reason, 'MISSING_FACTS_HEADER');
  let committed = 0n;
  for (let p = 0; p < 4; p++) committed += kafka.committed('unit-parser', t.raw, p) ?? 0n;
  assert.equal(committed, BigInt(good.length + 1), 'every input offset committed');
  await parser.stop(); // idempotent
});

test('a publish failure is retried, not lost: outputs appear once the fault clears', async () => {
  const kafka = createMemoryKafka();
  const t = prefixedTopics('unit2');
  await kafka.admin.ensureTopics(pipelineTopicSpecs(t));
  const raw = trapMessage('retry');
  await kafka.publisher.publish([rawOutgoing(t.raw, raw, smtpFacts(raw))]);
  kafka.failNextPublishes(2);
  const parser = await startParser(loadParserConfig({}, { inputTopic: t.raw, outputTopic: t.parsed, dlqTopic: t.dlq, groupId: 'g2' }), { kafka });
  await waitFor(() => kafka.records(t.parsed).length === 1, 'parsed after retries');
  await parser.stop();
  assert.equal(kafka.records(t.dlq).length, 0);
});
