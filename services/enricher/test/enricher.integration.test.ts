// The enricher on the real Kafka with the real DNS test server: DNS flows, failures, replay determinism, two instances sharing a group.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DLQ_HEADERS, decodeVerdict, prefixedTopics, type ParsedRecord, type TopicNames, type VerdictRecord } from '@spamtrap/contracts';
import { createKafka, loadKafkaConfig, type IncomingRecord, type RecordPublisher, type SpamtrapKafka, type TopicAdmin } from '@spamtrap/kafka';
import { TestDnsServer, ptrName4 } from '@spamtrap/dns-zone';
import { loadEnricherConfig, startEnricher, type EnricherConfig, type RunningEnricher } from '../src/index.js';
import { hop, parsedRecord } from './records.js';

const WAIT_MS = 60_000;
const TEST_TIMEOUT = 120_000;

let kafka: SpamtrapKafka;
let admin: TopicAdmin;
let publisher: RecordPublisher;
let dns: TestDnsServer;
const created: string[] = [];
const running: RunningEnricher[] = [];

before(async () => {
  kafka = createKafka(loadKafkaConfig(process.env, { clientId: 'enricher-it' }));
  admin = kafka.createAdmin();
  publisher = kafka.createPublisher();
  dns = await TestDnsServer.start();
});

after(async () => {
  for (const r of running) await r.stop();
  await publisher.close();
  await admin.deleteTopics(created);
  await admin.close();
  await dns.close();
});

async function topics(): Promise<TopicNames> {
  const t = prefixedTopics(`it-enr-${randomUUID().slice(0, 8)}`);
  const names = [t.parsed, t.verdicts, t.dlq];
  created.push(...names);
  await admin.ensureTopics(names.map((topic) => ({ topic, partitions: 4 })));
  return t;
}

function config(t: TopicNames, over: Partial<EnricherConfig> = {}): EnricherConfig {
  return loadEnricherConfig(process.env, {
    clientId: 'enricher-it', inputTopic: t.parsed, outputTopic: t.verdicts, dlqTopic: t.dlq, groupId: `g-${randomUUID().slice(0, 8)}`,
    dnsServers: [dns.address], dnsTimeoutMs: 300, dnsTries: 1, dnsDeadlineMs: 1500, cacheFailureTtlMs: 0,
    trapDomains: ['trap.example'], ourHosts: ['mx.trap.example'], ...over,
  });
}

async function start(cfg: EnricherConfig): Promise<RunningEnricher> {
  const e = await startEnricher(cfg, { kafka });
  running.push(e);
  return e;
}

async function stop(e: RunningEnricher): Promise<void> {
  await e.stop();
  running.splice(running.indexOf(e), 1);
}

/** Read a topic with a fresh group until `n` records arrived, then wait a little for extras. */
async function read(topic: string, n: number, settleMs = 1500): Promise<IncomingRecord[]> {
  const got: IncomingRecord[] = [];
  const c = kafka.createStageConsumer(publisher, {
    stage: 'reader', groupId: `r-${randomUUID().slice(0, 8)}`, topic, dlqTopic: `${topic}.unused`,
    handler: (rs) => {
      got.push(...rs);
      return Promise.resolve(rs.map(() => ({ kind: 'ok' as const, outputs: [] })));
    },
  });
  await c.start();
  try {
    const until = Date.now() + WAIT_MS;
    while (got.length < n) {
      if (Date.now() > until) throw new Error(`${topic}: ${got.length} of ${n} records`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, settleMs));
  } finally {
    await c.stop();
  }
  return got;
}

async function publishParsed(t: TopicNames, recs: ParsedRecord[]): Promise<void> {
  await publisher.publish(recs.map((r) => ({ topic: t.parsed, key: r.evidenceId, value: JSON.stringify(r) })));
}

function byId(records: IncomingRecord[]): Map<string, VerdictRecord> {
  return new Map(records.map((r) => [r.key!.toString(), decodeVerdict(r.value)]));
}

test('DNS flows: FCrDNS + dynamic PTR, relay with confirmed HELO, NXDOMAIN, SERVFAIL and a timeout; junk to the DLQ', { timeout: TEST_TIMEOUT }, async () => {
  const t = await topics();
  dns.set(ptrName4('81.2.69.10'), { PTR: ['dhcp-81-2-69-10.pool.isp.example'] });
  dns.set('dhcp-81-2-69-10.pool.isp.example', { A: ['81.2.69.10'] });
  dns.set(ptrName4('81.2.69.11'), { PTR: ['mail.relay.example'] });
  dns.set('mail.relay.example', { A: ['81.2.69.11'] });
  dns.set(ptrName4('81.2.69.13'), { rcode: 'SERVFAIL' });
  dns.set(ptrName4('81.2.69.14'), { drop: true });
  const dyn = parsedRecord({ ip: '81.2.69.10', helo: 'localhost' });
  const relay = parsedRecord({ ip: '81.2.69.11', helo: 'mail.relay.example', hops: [hop({ by: 'mail.relay.example', fromIp: '82.1.80.77', fromHelo: 'pc' })] });
  const nx = parsedRecord({ ip: '81.2.69.12', helo: 'nonexistent.example' });
  const servfail = parsedRecord({ ip: '81.2.69.13', helo: 'DESKTOP-1', anomalies: [{ code: 'EARLY_TALKER' }] });
  const timeout = parsedRecord({ ip: '81.2.69.14', helo: 'DESKTOP-2', anomalies: [{ code: 'EARLY_TALKER' }] });
  await publishParsed(t, [dyn, relay, nx, servfail, timeout]);
  await publisher.publish([{ topic: t.parsed, key: 'junk', value: 'not json {' }]);
  const t0 = Date.now();
  const e = await start(config(t));
  const out = byId(await read(t.verdicts, 5));
  const took = Date.now() - t0;
  await stop(e);

  const vd = out.get(dyn.evidenceId)!;
  assert.equal(vd.class, 'direct_bot');
  assert.equal(vd.dns?.fcrdns, 'dhcp-81-2-69-10.pool.isp.example');
  assert.ok(vd.reasons.some((r) => r.code === 'FCRDNS_PASS'));
  assert.ok(vd.reasons.some((r) => r.code === 'RDNS_DYNAMIC_TOKEN' && r.detail?.['token'] === 'dhcp'));
  assert.deepEqual(vd.nomination, { ip: '81.2.69.10', key: '81.2.69.10', probe: null });

  const vr = out.get(relay.evidenceId)!;
  assert.equal(vr.class, 'open_relay_suspect');
  assert.equal(vr.nomination?.probe, 'relay');
  assert.deepEqual(vr.dns?.heloAddresses, ['81.2.69.11']);
  assert.ok(vr.reasons.some((r) => r.code === 'HELO_CONFIRMS_IP'));

  const vn = out.get(nx.evidenceId)!;
  assert.deepEqual(vn.dns, { ptr: [], fcrdns: null, heloAddresses: [], errors: {} });
  assert.ok(vn.reasons.some((r) => r.code === 'NO_PTR'));
  assert.ok(vn.reasons.some((r) => r.code === 'HELO_NO_ADDRESS'));
  assert.ok(!vn.reasons.some((r) => r.code === 'DNS_UNAVAILABLE'));

  const vs = out.get(servfail.evidenceId)!;
  assert.deepEqual(vs.dns?.errors, { ptr: 'SERVFAIL' });
  assert.ok(vs.reasons.some((r) => r.code === 'DNS_UNAVAILABLE' && r.detail?.['error'] === 'SERVFAIL'));
  assert.equal(vs.class, 'direct_bot');

  const vt = out.get(timeout.evidenceId)!;
  assert.ok(['TIMEOUT', 'DEADLINE'].includes(vt.dns?.errors['ptr'] ?? ''), JSON.stringify(vt.dns));
  assert.ok(vt.reasons.some((r) => r.code === 'DNS_UNAVAILABLE'));
  // The slow zone held the stage for at most the DNS deadline, not for the resolver's patience.
  assert.ok(took < 30_000, `took ${took} ms`);

  const dlq = await read(t.dlq, 1, 200);
  assert.equal(dlq[0]!.headers[DLQ_HEADERS.reason]?.toString(), 'DECODE_FAILED');
});

test('replaying the input (a new group over the same topic) produces identical verdict records', { timeout: TEST_TIMEOUT }, async () => {
  const t = await topics();
  dns.set(ptrName4('81.2.69.20'), { PTR: ['81-2-69-20.cust.isp.example'] });
  dns.set('81-2-69-20.cust.isp.example', { A: ['81.2.69.20'] });
  const recs = [parsedRecord({ ip: '81.2.69.20', helo: 'trap.example' }), parsedRecord({ ip: '81.2.69.21', helo: '[10.0.0.1]', anomalies: [{ code: 'HTTP_REQUEST', detail: 'GET / HTTP/1.1' }] })];
  await publishParsed(t, recs);
  const first = await start(config(t));
  const a = await read(t.verdicts, 2, 500);
  await stop(first);
  const second = await start(config(t)); // a fresh group id: reads the same input again
  const b = await read(t.verdicts, 4, 500);
  await stop(second);
  const values = new Map<string, string[]>();
  for (const r of b) values.set(r.key!.toString(), [...(values.get(r.key!.toString()) ?? []), r.value!.toString()]);
  assert.equal(a.length, 2);
  for (const rec of recs) {
    const v = values.get(rec.evidenceId)!;
    assert.equal(v.length, 2);
    assert.equal(v[0], v[1]);
  }
});

test('two instances in one group share the partitions without loss or duplication', { timeout: TEST_TIMEOUT }, async () => {
  const t = await topics();
  const cfg = config(t);
  const a = await start(cfg);
  const b = await start(cfg);
  // Warm-up until both instances have handled records: the group has then settled, so no
  // rebalance happens while the measured input is in flight (a rebalance mid-batch may
  // legitimately redeliver, which is at-least-once, not loss).
  let warm = 0;
  const until = Date.now() + WAIT_MS;
  while ((a.dnsStats()?.queries ?? 0) === 0 || (b.dnsStats()?.queries ?? 0) === 0) {
    if (Date.now() > until) throw new Error(`group did not settle: ${JSON.stringify([a.dnsStats(), b.dnsStats()])}`);
    await publishParsed(t, Array.from({ length: 8 }, (_, i) => parsedRecord({ ip: `81.3.${warm}.${1 + i}`, helo: 'localhost' })));
    warm++;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const qa = a.dnsStats()!.queries;
  const qb = b.dnsStats()!.queries;
  const n = 80;
  const recs = Array.from({ length: n }, (_, i) => parsedRecord({ ip: `81.2.${100 + (i % 50)}.${1 + i}`, helo: 'localhost' }));
  await publishParsed(t, recs);
  const ids = new Set(recs.map((r) => r.evidenceId));
  const out = (await read(t.verdicts, n + warm * 8, 3000)).filter((r) => ids.has(r.key!.toString()));
  const sa = a.dnsStats()!;
  const sb = b.dnsStats()!;
  await stop(a);
  await stop(b);
  assert.equal(out.length, n, 'no duplicates');
  assert.deepEqual(new Set(out.map((r) => r.key!.toString())), ids, 'no loss');
  assert.ok(sa.queries > qa && sb.queries > qb, `both instances worked on the input: ${JSON.stringify([qa, qb, sa, sb])}`);
});

test('the main.ts process serves the stage and drains on SIGTERM (exit 0)', { timeout: TEST_TIMEOUT }, async () => {
  const { spawn } = await import('node:child_process');
  const t = await topics();
  const rec = parsedRecord({ ip: '81.2.69.30', helo: 'localhost' });
  await publishParsed(t, [rec]);
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('../src/main.ts', import.meta.url).pathname], {
    env: {
      ...process.env, ENRICHER_INPUT_TOPIC: t.parsed, ENRICHER_OUTPUT_TOPIC: t.verdicts, ENRICHER_DLQ_TOPIC: t.dlq, ENRICHER_GROUP_ID: `g-${randomUUID().slice(0, 8)}`,
      ENRICHER_DNS_SERVERS: dns.address, ENRICHER_DNS_TIMEOUT_MS: '300', ENRICHER_DNS_DEADLINE_MS: '1000', LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const out = await read(t.verdicts, 1, 200);
    assert.equal(out[0]!.key!.toString(), rec.evidenceId);
    assert.equal(decodeVerdict(out[0]!.value).class, 'direct_bot');
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0, stderr);
});
