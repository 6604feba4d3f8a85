// Redis outage against a throwaway redis-server: enqueue fails fast and transiently, and dedup survives a restart.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createBullProbeQueue } from '../src/bullmq-queue.js';
import { queueConfigSchema } from '../src/config.js';
import { QueueUnavailableError } from '../src/errors.js';
import type { ProbeJob, ProbeQueue } from '../src/types.js';

/** redis-server cannot listen on port 0: bind an ephemeral port, release it, hand it to redis. */
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let dir = '';
let port = 0;
let redis: ChildProcess | null = null;
let queue: ProbeQueue | null = null;

async function startRedis(): Promise<void> {
  // appendfsync always: every acknowledged write is on disk before the SIGKILL below.
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir], {
    stdio: 'ignore',
  });
  redis = child;
  const ready = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    const poll = async () => {
      for (let i = 0; i < 100; i++) {
        const ok = await new Promise<boolean>((res) => {
          const p = spawn('redis-cli', ['-p', String(port), 'ping'], { stdio: ['ignore', 'pipe', 'ignore'] });
          let out = '';
          p.stdout.on('data', (c: Buffer) => (out += c.toString()));
          p.on('close', () => res(out.trim() === 'PONG'));
        });
        if (ok) return resolve();
        await sleep(50);
      }
      reject(new Error(`redis-server on ${port} did not become ready`));
    };
    void poll();
  });
  await ready;
}

async function killRedis(): Promise<void> {
  const child = redis;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
  redis = null;
}

const job = (ip: string): ProbeJob => ({ ip, kind: 'relay', evidenceIds: ['0190f1a2-7c3b-7d4e-8f00-000000000001'], reasons: ['THIRD_PARTY_HANDOFF'], firstSeen: '2026-11-22T10:00:00Z' });

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spamtrap-redis-'));
  port = await freePort();
  await startRedis();
});

after(async () => {
  await queue?.close();
  await killRedis();
  await rm(dir, { recursive: true, force: true });
});

test('Redis down: enqueue rejects fast with a transient error; after restart the same job id is still a duplicate', async (t) => {
  const cfg = { ...queueConfigSchema.load(), redisUrl: `redis://127.0.0.1:${port}`, prefix: 'test-down', commandTimeoutMs: 1_000 };
  queue = await createBullProbeQueue(cfg);
  assert.equal(await queue.enqueue(job('192.0.2.1'), { jobId: 'relay-192.0.2.1' }), 'added');

  await killRedis();
  const started = Date.now();
  await assert.rejects(queue.enqueue(job('192.0.2.2'), { jobId: 'relay-192.0.2.2' }), (err: unknown) => {
    assert.ok(err instanceof QueueUnavailableError, `expected QueueUnavailableError, got ${String(err)}`);
    assert.equal(err.transient, true);
    return true;
  });
  const took = Date.now() - started;
  t.diagnostic(`enqueue during the outage rejected in ${took} ms`);
  assert.ok(took < 1_500, `failed fast (${took} ms), not after a long offline queue`);
  assert.equal((await queue.health()).ok, false);

  await startRedis();
  // The producer reconnects on its own (capped backoff <= 2 s).
  let healthy = false;
  for (let i = 0; i < 100 && !healthy; i++) {
    healthy = (await queue.health()).ok;
    if (!healthy) await sleep(100);
  }
  assert.ok(healthy, 'producer reconnected after Redis came back');
  assert.equal(await queue.enqueue(job('192.0.2.1'), { jobId: 'relay-192.0.2.1' }), 'duplicate', 'the job written before the crash survived (AOF) and still deduplicates');
  assert.equal(await queue.enqueue(job('192.0.2.2'), { jobId: 'relay-192.0.2.2' }), 'added', 'the enqueue that failed during the outage can be retried');
  const c = await queue.counts();
  assert.equal(c.waiting, 2);
});
