// `spamtrap stack` argument handling and the read-only actions (settings, env, status) on an empty stack home.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { stackSchema } from '@spamtrap/stack';
import { main } from '../src/main.js';
import type { CommandIo } from '../src/command.js';

function capture(env: Record<string, string | undefined>): { io: CommandIo; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const sink = (f: (s: string) => void): Writable => new Writable({ write: (c: Buffer, _e, cb) => (f(String(c)), cb()) });
  return { io: { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)), stdin: new PassThrough(), env, cwd: process.cwd() }, out: () => out, err: () => err };
}

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, async () => {
      const s = createServer();
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
      return s;
    }),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** A stack home of its own and five ports nothing listens on. */
async function isolatedEnv(): Promise<{ env: Record<string, string>; home: string }> {
  const home = mkdtempSync(join(tmpdir(), 'stack-cmd-'));
  const [k, kc, e, et, r] = await freePorts(5);
  return {
    home,
    env: {
      SPAMTRAP_STACK_HOME: home,
      SPAMTRAP_KAFKA_PORT: String(k),
      SPAMTRAP_KAFKA_CONTROLLER_PORT: String(kc),
      SPAMTRAP_ES_PORT: String(e),
      SPAMTRAP_ES_TRANSPORT_PORT: String(et),
      SPAMTRAP_REDIS_PORT: String(r),
    },
  };
}

test('usage mistakes exit 2 with one line; bad settings exit 78', async () => {
  for (const [argv, msg] of [
    [['stack'], /missing action/],
    [['stack', 'launch'], /unknown action "launch"/],
    [['stack', 'stop'], /name at least one component/],
    [['stack', 'start', 'zookeeper'], /unknown component "zookeeper" \(expected kafka, elasticsearch, redis\)/],
    [['stack', 'down', '--record', 'f'], /--record goes with up or start/],
    [['stack', 'up', '--record'], /--record needs a file name/],
    [['stack', 'env', '--json'], /--json goes with status/],
    [['stack', 'up', '--force'], /unknown option --force/],
    [['stack', 'reset', 'kafka'], /reset takes no components/],
  ] as const) {
    const c = capture({});
    assert.equal(await main([...argv], c.io), 2, argv.join(' '));
    assert.match(c.err(), msg);
  }
  const c = capture({ SPAMTRAP_REDIS_PORT: 'six' });
  assert.equal(await main(['stack', 'status'], c.io), 78);
  assert.match(c.err(), /^config error: stack: SPAMTRAP_REDIS_PORT="six": expected an integer/);
});

test('settings prints the schema table; --help prints usage', async () => {
  const c = capture({});
  assert.equal(await main(['stack', 'settings'], c.io), 0);
  assert.equal(c.out(), stackSchema.describe() + '\n');
  const h = capture({});
  assert.equal(await main(['stack', '--help'], h.io), 0);
  assert.match(h.out(), /^Usage: spamtrap stack <action>/);
});

test('on an empty home: env prints exports for the configured ports (and warns), status says stopped and exits 1, down is a no-op', async () => {
  const { env, home } = await isolatedEnv();
  try {
    const e = capture(env);
    assert.equal(await main(['stack', 'env'], e.io), 0);
    assert.equal(
      e.out(),
      `export KAFKA_BROKERS=127.0.0.1:${env.SPAMTRAP_KAFKA_PORT}\nexport ES_NODE=http://127.0.0.1:${env.SPAMTRAP_ES_PORT}\nexport REDIS_URL=redis://127.0.0.1:${env.SPAMTRAP_REDIS_PORT}\nexport KAFKA_LIBS=${home}/cache/kafka-3.9.2/libs\n`,
    );
    assert.match(e.err(), /warning: not running: kafka, elasticsearch, redis/);

    const s = capture(env);
    assert.equal(await main(['stack', 'status', '--json'], s.io), 1);
    const rows = JSON.parse(s.out()) as { name: string; state: string; pid: number | null }[];
    assert.deepEqual(rows.map((r) => [r.name, r.state, r.pid]), [['kafka', 'stopped', null], ['elasticsearch', 'stopped', null], ['redis', 'stopped', null]]);

    const t = capture(env);
    assert.equal(await main(['stack', 'status'], t.io), 1);
    assert.match(t.out(), /^component\s+state\s+pid\s+address\s+log\s+version\n/);

    const d = capture(env);
    assert.equal(await main(['stack', 'down'], d.io), 0);
    assert.match(d.out(), /kafka\s+not running/);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
