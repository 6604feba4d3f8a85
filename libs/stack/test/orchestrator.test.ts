// The stack orchestrator with fake components (sleep processes, file-flag readiness): records, idempotence, failures, reset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ComponentDef } from '../src/components/types.js';
import { stackSchema, type StackConfig } from '../src/config.js';
import { isAlive } from '../src/proc.js';
import { down, reset, status, up, type Registry } from '../src/stack.js';
import { readState, type ComponentName } from '../src/state.js';
import { spawnDetached } from '../src/proc.js';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

type Behaviour = 'ok' | 'never-ready' | 'exits';

/** A component whose process is `sleep` and whose readiness is a flag file the process writes. */
function fake(name: ComponentName, port: number, home: string, behaviour: () => Behaviour): ComponentDef {
  const flag = join(home, `${name}.ready`);
  return {
    name,
    version: () => 'fake-1',
    ports: () => [{ port, env: `FAKE_${name.toUpperCase()}_PORT` }],
    address: () => `127.0.0.1:${port}`,
    preflight: () => undefined,
    fetch: ({ paths }) => {
      const marker = join(paths.cache, `${name}.done`);
      if (existsSync(marker)) return Promise.resolve(false);
      mkdirSync(paths.cache, { recursive: true });
      writeFileSync(marker, '');
      return Promise.resolve(true);
    },
    launch: ({ paths }) => {
      rmSync(flag, { force: true });
      const script = { ok: `touch '${flag}'; exec sleep 60`, 'never-ready': 'exec sleep 60', exits: 'echo dying; exit 3' }[behaviour()];
      const log = join(paths.logs, `${name}.log`);
      mkdirSync(join(paths.home, name, 'data'), { recursive: true });
      const p = spawnDetached('sh', ['-c', script], { logPath: log, env: process.env, cwd: paths.home });
      return Promise.resolve({ pid: p.pid, log, exited: p.exited });
    },
    ready: () => Promise.resolve(existsSync(flag)),
    dataDirs: (paths) => [join(paths.home, name, 'data')],
  };
}

async function setup(behaviours: Partial<Record<ComponentName, Behaviour>> = {}): Promise<{ cfg: StackConfig; registry: Registry; home: string; set: (n: ComponentName, b: Behaviour) => void }> {
  const home = mkdtempSync(join(tmpdir(), 'stack-orch-'));
  const b: Record<ComponentName, Behaviour> = { kafka: 'ok', elasticsearch: 'ok', redis: 'ok', ...behaviours };
  const registry: Registry = {
    kafka: fake('kafka', await freePort(), home, () => b.kafka),
    elasticsearch: fake('elasticsearch', await freePort(), home, () => b.elasticsearch),
    redis: fake('redis', await freePort(), home, () => b.redis),
  };
  const cfg = stackSchema.load({ SPAMTRAP_STACK_HOME: home }, { readyTimeoutS: 1, stopTimeoutS: 2 });
  return { cfg, registry, home, set: (n, x) => (b[n] = x) };
}

test('up starts and records each component once; a second up finds them running; down stops only what was asked', async () => {
  const { cfg, registry, home } = await setup();
  try {
    const started: string[] = [];
    const first = await up(cfg, { registry, onStarted: (n) => started.push(n) });
    assert.deepEqual(first.failures, []);
    assert.deepEqual(first.results.map((r) => [r.name, r.action, r.downloaded]), [
      ['kafka', 'started', true],
      ['elasticsearch', 'started', true],
      ['redis', 'started', true],
    ]);
    assert.deepEqual(started.sort(), ['elasticsearch', 'kafka', 'redis']);
    const state = readState(join(home, 'state.json'));
    for (const r of first.results) {
      assert.equal(state.components[r.name]?.pid, r.pid);
      assert.ok(await isAlive(r.pid, state.components[r.name]!.startTicks));
    }

    const second = await up(cfg, { registry, onStarted: (n) => started.push(`again:${n}`) });
    assert.deepEqual(second.results.map((r) => r.action), ['already running', 'already running', 'already running']);
    assert.deepEqual(second.results.map((r) => r.pid), first.results.map((r) => r.pid));
    assert.equal(started.length, 3, 'nothing new started');

    const stopped = await down(cfg, { registry, components: ['redis'] });
    assert.deepEqual(stopped.map((d) => [d.name, d.outcome]), [['redis', 'stopped']]);
    const rows = await status(cfg, registry);
    assert.deepEqual(rows.map((r) => [r.name, r.state]), [['kafka', 'running'], ['elasticsearch', 'running'], ['redis', 'stopped']]);

    const again = await up(cfg, { registry });
    assert.deepEqual(again.results.map((r) => [r.name, r.action, r.downloaded]), [
      ['kafka', 'already running', false],
      ['elasticsearch', 'already running', false],
      ['redis', 'started', false],
    ]);
  } finally {
    await down(cfg, { registry });
    rmSync(home, { recursive: true, force: true });
  }
});

test('a component that never answers is stopped and not recorded; one that dies is reported with its exit code', async () => {
  const { cfg, registry, home } = await setup({ kafka: 'never-ready', elasticsearch: 'exits' });
  try {
    const { results, failures } = await up(cfg, { registry });
    assert.deepEqual(results.map((r) => r.name), ['redis']);
    const byName = Object.fromEntries(failures.map((f) => [f.name, f.error]));
    assert.match(byName.kafka!, /^kafka not ready on 127\.0\.0\.1:\d+ after 1s \(SPAMTRAP_STACK_READY_TIMEOUT_S\): see .*kafka\.log$/);
    assert.match(byName.elasticsearch!, /^elasticsearch exited during startup \(exit 3\): see .*elasticsearch\.log$/);
    const state = readState(join(home, 'state.json'));
    assert.deepEqual(Object.keys(state.components), ['redis']);
  } finally {
    await down(cfg, { registry });
    rmSync(home, { recursive: true, force: true });
  }
});

test('a record whose process is gone is replaced by a fresh start; a busy port fails with the pid', async () => {
  const { cfg, registry, home } = await setup();
  try {
    const first = await up(cfg, { registry, components: ['redis'] });
    const oldPid = first.results[0]!.pid;
    process.kill(oldPid, 'SIGKILL');
    while (await isAlive(oldPid)) await new Promise((r) => setTimeout(r, 50));
    const second = await up(cfg, { registry, components: ['redis'] });
    assert.equal(second.results[0]!.action, 'started');
    assert.notEqual(second.results[0]!.pid, oldPid);

    const kafkaPort = registry.kafka.ports(cfg)[0]!.port;
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(kafkaPort, '127.0.0.1', r));
    try {
      const { failures } = await up(cfg, { registry, components: ['kafka'] });
      assert.equal(failures[0]!.error, `port ${kafkaPort} is in use by another process (pid ${process.pid}); stop it or set FAKE_KAFKA_PORT`);
      assert.equal((await status(cfg, registry))[0]!.state, 'port busy');
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  } finally {
    await down(cfg, { registry });
    rmSync(home, { recursive: true, force: true });
  }
});

test('reset stops what runs and wipes data and logs but keeps the download cache', async () => {
  const { cfg, registry, home } = await setup();
  try {
    const { results } = await up(cfg, { registry });
    const { stopped, wiped } = await reset(cfg, () => undefined, registry);
    assert.deepEqual(stopped.map((s) => s.outcome), ['stopped', 'stopped', 'stopped']);
    for (const r of results) assert.equal(await isAlive(r.pid), false);
    assert.ok(wiped.includes(join(home, 'logs')));
    assert.equal(existsSync(join(home, 'kafka', 'data')), false);
    assert.equal(existsSync(join(home, 'logs')), false);
    assert.ok(existsSync(join(home, 'cache', 'kafka.done')), 'cache kept');
    assert.deepEqual(readState(join(home, 'state.json')).components, {});
  } finally {
    await down(cfg, { registry });
    rmSync(home, { recursive: true, force: true });
  }
});
