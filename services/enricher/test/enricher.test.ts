// The enricher stage on the in-memory Kafka fake: verdicts keyed by evidence id, DLQ for undecodable input, deterministic replays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DLQ_HEADERS, decodeVerdict, type VerdictRecord } from '@spamtrap/contracts';
import { createMemoryKafka, type MemoryKafka } from '@spamtrap/kafka';
import { loadEnricherConfig, startEnricher, type EnricherConfig } from '../src/index.js';
import { fakeDns, hop, parsedRecord } from './records.js';

const IP = '81.2.69.160';

function config(over: Partial<EnricherConfig> = {}): EnricherConfig {
  return loadEnricherConfig({}, { inputTopic: 'in', outputTopic: 'out', dlqTopic: 'dlq', groupId: 'g', trapDomains: ['trap.example'], ourHosts: ['mx.trap.example'], ...over });
}

async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function kafka(): Promise<MemoryKafka> {
  const k = createMemoryKafka();
  await k.admin.ensureTopics([{ topic: 'in', partitions: 2 }, { topic: 'out', partitions: 2 }, { topic: 'dlq', partitions: 1 }]);
  return k;
}

const dns = fakeDns({
  [`PTR ${IP}`]: ['dhcp-81-2-69-160.pool.isp.example'],
  'A dhcp-81-2-69-160.pool.isp.example': [IP],
  'PTR 81.2.69.161': ['relay.example.net'],
  'A relay.example.net': ['81.2.69.161'],
});

test('parsed records become verdicts keyed by evidence id; junk goes to the DLQ with the ContractError reason', async () => {
  const k = await kafka();
  const bot = parsedRecord({ ip: IP, helo: 'localhost', anomalies: [{ code: 'EARLY_TALKER' }] });
  const proxy = parsedRecord({ ip: '81.2.69.170', helo: 'trap.example', anomalies: [{ code: 'HTTP_REQUEST', detail: 'CONNECT 1.2.3.4:25 HTTP/1.0' }] });
  const reserved = parsedRecord({ ip: '192.168.1.20', helo: 'localhost' });
  await k.publisher.publish([
    { topic: 'in', key: bot.evidenceId, value: JSON.stringify(bot) },
    { topic: 'in', key: proxy.evidenceId, value: JSON.stringify(proxy) },
    { topic: 'in', key: reserved.evidenceId, value: JSON.stringify(reserved) },
    { topic: 'in', key: 'junk', value: Buffer.from([0, 0xff, 0x7b, 0x00]) },
    { topic: 'in', key: 'nover', value: JSON.stringify({ v: 2, evidenceId: bot.evidenceId }) },
  ]);
  const e = await startEnricher(config(), { kafka: k, dns });
  try {
    await waitFor(() => k.records('out').length === 3 && k.records('dlq').length === 2);
  } finally {
    await e.stop();
  }
  const verdicts = new Map<string, VerdictRecord>(k.records('out').map((r) => [r.key!.toString(), decodeVerdict(r.value)]));
  const vb = verdicts.get(bot.evidenceId)!;
  assert.equal(vb.class, 'direct_bot');
  assert.deepEqual(vb.nomination, { ip: IP, key: IP, probe: null });
  assert.equal(vb.dns?.fcrdns, 'dhcp-81-2-69-160.pool.isp.example');
  assert.equal(vb.decidedAt, bot.parsedAt);
  assert.deepEqual(vb.parsed, bot);
  const vp = verdicts.get(proxy.evidenceId)!;
  assert.equal(vp.class, 'open_proxy_suspect');
  assert.equal(vp.nomination?.probe, 'proxy');
  const vr = verdicts.get(reserved.evidenceId)!;
  assert.equal(vr.nomination, null);
  assert.equal(vr.dns, null);
  assert.ok(vr.reasons.some((r) => r.code === 'RESERVED_RANGE'));
  const reasons = k.records('dlq').map((r) => r.headers[DLQ_HEADERS.reason]?.toString()).sort();
  assert.deepEqual(reasons, ['CONTRACT_VIOLATION', 'DECODE_FAILED']);
});

test('replaying the same input gives byte-identical verdicts', async () => {
  const k = await kafka();
  const hops = [hop({ by: 'relay.example.net', fromIp: '82.1.80.9', fromHelo: 'x' })];
  const recs = [parsedRecord({ ip: IP, helo: 'localhost' }), parsedRecord({ ip: '81.2.69.161', helo: 'relay.example.net', hops })];
  const input = recs.map((r) => ({ topic: 'in', key: r.evidenceId, value: JSON.stringify(r) }));
  await k.publisher.publish([...input, ...input]);
  const e = await startEnricher(config(), { kafka: k, dns });
  try {
    await waitFor(() => k.records('out').length === 4);
  } finally {
    await e.stop();
  }
  const byKey = new Map<string, string[]>();
  for (const r of k.records('out')) byKey.set(r.key!.toString(), [...(byKey.get(r.key!.toString()) ?? []), r.value!.toString()]);
  for (const [, values] of byKey) {
    assert.equal(values.length, 2);
    assert.equal(values[0], values[1]);
  }
  const relay = decodeVerdict(byKey.get(recs[1]!.evidenceId)![0]);
  assert.equal(relay.class, 'open_relay_suspect');
  assert.equal(relay.dns?.fcrdns, 'relay.example.net');
});

test('DNS off: verdicts carry DNS_SKIPPED and no lookups are made', async () => {
  const k = await kafka();
  const asked = fakeDns({});
  const r = parsedRecord({ ip: IP, helo: 'DESKTOP-1' });
  await k.publisher.publish([{ topic: 'in', key: r.evidenceId, value: JSON.stringify(r) }]);
  const e = await startEnricher(config({ dnsEnabled: false }), { kafka: k, dns: asked });
  try {
    await waitFor(() => k.records('out').length === 1);
  } finally {
    await e.stop();
  }
  const v = decodeVerdict(k.records('out')[0]!.value);
  assert.ok(v.reasons.some((x) => x.code === 'DNS_SKIPPED'));
  assert.equal(v.class, 'direct_bot');
  assert.equal(asked.asked.length, 0);
});

test('config: one line per mistake', () => {
  assert.throws(
    () => loadEnricherConfig({ ENRICHER_OWN_NETWORKS: '10.0.0.1/8', ENRICHER_DNS_SERVERS: 'dns.example', ENRICHER_ALLOW_PROVIDERS: 'bad pattern!' }),
    (err: Error & { lines?: string[] }) => {
      assert.equal(err.lines?.length, 3);
      assert.ok(err.lines?.some((l) => l.includes('ENRICHER_OWN_NETWORKS') && l.includes('host bits are set')));
      return true;
    },
  );
  assert.throws(() => loadEnricherConfig({ ENRICHER_INPUT_TOPIC: 'x', ENRICHER_OUTPUT_TOPIC: 'x' }), /must differ/);
});

test('DNS allow-list zone: listed peers are allow-listed, failing zones block the nomination', async () => {
  const k = await kafka();
  const zoneDns = fakeDns({
    'A 160.69.2.81.wl.example': ['127.0.10.2'],
    'A 161.69.2.81.wl.example': { error: 'TIMEOUT' },
  });
  const recs = [parsedRecord({ ip: '81.2.69.160', helo: 'localhost' }), parsedRecord({ ip: '81.2.69.161', helo: 'localhost' }), parsedRecord({ ip: '81.2.69.162', helo: 'localhost' })];
  await k.publisher.publish(recs.map((r) => ({ topic: 'in', key: r.evidenceId, value: JSON.stringify(r) })));
  const e = await startEnricher(config({ allowDnsZones: ['wl.example'] }), { kafka: k, dns: zoneDns });
  try {
    await waitFor(() => k.records('out').length === 3);
  } finally {
    await e.stop();
  }
  const v = new Map(k.records('out').map((r) => [r.key!.toString(), decodeVerdict(r.value)]));
  assert.equal(v.get(recs[0]!.evidenceId)!.class, 'allowlisted_provider');
  assert.equal(v.get(recs[1]!.evidenceId)!.nomination, null);
  assert.ok(v.get(recs[1]!.evidenceId)!.reasons.some((r) => r.code === 'ALLOWLIST_LOOKUP_FAILED'));
  assert.equal(v.get(recs[1]!.evidenceId)!.dns?.errors['allowlist:wl.example'], 'TIMEOUT');
  assert.ok(v.get(recs[2]!.evidenceId)!.nomination !== null);
});
