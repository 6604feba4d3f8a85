// Redis outage through the verdict handler: the batch fails transiently (nothing to commit), and after recovery exactly one job exists.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
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
let dir = '';
let port = 0;
let redis: ChildProcess | null = null;
let store: EsStore;
let queue: ProbeQueue | null = null;

/** redis-server cannot listen on port 0: bind an ephemeral port, release it, hand it to redis. */
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port: p } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return p;
}

async function ping(): Promise<boolean> {
  return new Promise((res) => {
    const p = spawn('redis-cli', ['-p', String(port), 'ping'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.on('close', () => res(out.trim() === 'PONG'));
  });
}

async function startRedis(): Promise<void> {
  // appendfsync always: every acknowledged job is on disk before the SIGKILL below.
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    if (await ping()) return;
    await sleep(50);
  }
  throw new Error(`redis-server on ${port} did not become ready`);
}

async function killRedis(): Promise<void> {
  const child = redis;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
  redis = null;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spamtrap-nominator-redis-'));
  port = await freePort();
  await startRedis();
  store = createEsStore(esConfigSchema.load());
  await store.installTemplates(buildTemplates({ prefix: PREFIX }));
});

after(async () => {
  await queue?.close().catch(() => undefined);
  await killRedis();
  await rm(dir, { recursive: true, force: true });
  await store.deleteIndices(`${PREFIX}-*`);
  await store.deleteTemplates(buildTemplates({ prefix: PREFIX }));
  await store.close();
});

let offset = 0;
const rec = (n: number): IncomingRecord => ({
  topic: 'v',
  partition: 0,
  offset: String(offset++),
  key: null,
  value: encodeJson(verdictFixture({ evidenceId: `019a0000-0000-7000-8000-${String(n).padStart(12, '0')}`, peerIp: '198.51.100.90', acceptedAt: '2026-11-20T09:00:00.000Z' })),
  headers: {},
  timestamp: '0',
});

test('Redis down: the batch throws a transient error; after recovery the retried batch leaves exactly one job', async () => {
  queue = await createBullProbeQueue({ ...queueConfigSchema.load(), redisUrl: `redis://127.0.0.1:${port}`, prefix: PREFIX, commandTimeoutMs: 1_000 });
  const handler = createVerdictHandler(
    { prefix: PREFIX, redactionSecret: '', trapDomains: [], storeRaw: true, bulk: { maxDocs: 50, maxBytes: 1 << 20, maxWaitMs: 0 }, probeEnabled: true, probeCooldownMs: 86_400_000, probeMaxEvidenceAgeMs: 3650 * 86_400_000 },
    { store, computeViews: aggregationViews(store, names.evidencePattern), queue, log: silentLogger(), now: () => Date.parse('2026-11-20T12:00:00.000Z') },
  );
  const jobId = probeJobIdFor('relay', '198.51.100.90', Date.parse('2026-11-20T09:00:00.000Z'), 86_400_000);

  // First delivery succeeds; Redis then dies with the job acknowledged.
  assert.deepEqual((await handler([rec(1)])).map((o) => o.kind), ['ok']);
  await killRedis();
  const t0 = Date.now();
  await assert.rejects(handler([rec(1), rec(2)]), (err: Error & { transient?: boolean }) => err.transient === true);
  assert.ok(Date.now() - t0 < 15_000, 'fails fast, not in-line for minutes');

  // Recovery: the stage consumer retries the same batch; evidence and jobs are idempotent.
  await startRedis();
  let out: Awaited<ReturnType<typeof handler>> | null = null;
  for (let i = 0; i < 50 && out === null; i++) {
    out = await handler([rec(1), rec(2)]).catch(async () => {
      await sleep(200);
      return null;
    });
  }
  assert.ok(out, 'the retried batch succeeds once Redis is back');
  assert.deepEqual(out.map((o) => o.kind), ['ok', 'ok']);
  const job = await queue.getJob(jobId);
  assert.ok(job, 'the job survived the outage');
  const counts = await queue.counts();
  assert.equal(counts.waiting, 1, 'no duplicate job after recovery');
  const nom = (await store.get(names.nominations, '198.51.100.90')).source as { spamtrap: { nomination: { hits: number } } };
  assert.equal(nom.spamtrap.nomination.hits, 2);
});
