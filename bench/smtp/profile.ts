// Where the sink's time goes: one sink (real Kafka, acks=all) under smtp-source load, with CPU per message
// of the sink, the Kafka broker and smtp-source, and the end-of-DATA → ack latency histogram.
//
//   npx tsx bench/smtp/profile.ts [--cells 1,4] [--n 20000] [--sessions 50] [--partitions 4] [--cpu-prof DIR] [--no-pin] [--env K=V,K=V]
//
// Cells as in run.ts (1 = 2 KB 1/conn, 2 = 2 KB many/conn, 3 = 20 KB 1/conn, 4 = 20 KB many/conn).
// --cpu-prof DIR starts the sink with `node --cpu-prof --cpu-prof-dir DIR` (open the .cpuprofile in
// Chrome DevTools, or summarise with bench/smtp/cpuprofile-top.ts). --env passes sink settings
// (e.g. KAFKA_PUBLISH_LINGER_MS=0,SINK_WORKERS=2). The broker is found by its listener on KAFKA_BROKERS' port.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKafka, loadKafkaConfig } from '@spamtrap/kafka';
import { DEFAULT_TOPIC_PARTITIONS, TOPIC_MAX_RECORD_BYTES } from '@spamtrap/contracts';
import { freePort } from '../support/util.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SMTP_SOURCE = '/usr/sbin/smtp-source';
const CLK_TCK = 100;

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : def;
}
const CELLS = arg('cells', '1,4').split(',').map(Number);
const N = Number(arg('n', '20000'));
const SESSIONS = Number(arg('sessions', '50'));
const PROF_DIR = arg('cpu-prof', '');
const PIN = !process.argv.includes('--no-pin');
/** Partitions of the bench raw topic (default: the production count), to see the per-partition cost. */
const PARTITIONS = Number(arg('partitions', String(DEFAULT_TOPIC_PARTITIONS)));
const EXTRA_ENV = Object.fromEntries(
  arg('env', '')
    .split(',')
    .filter((kv) => kv.includes('='))
    .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
);
const SIZES = [2048, 2048, 20480, 20480];
const MANY = [false, true, false, true];

async function waitPort(port: number, proc: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (proc.exitCode !== null) throw new Error(`sink exited with ${proc.exitCode}`);
    const ok = await new Promise<boolean>((r) => {
      const c = connect(port, '127.0.0.1', () => (c.destroy(), r(true)));
      c.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} never opened`);
}

/** utime+stime in seconds of a process and all its threads (and, with `tree`, its children by ppid). */
function cpuSeconds(pid: number, tree = false): number {
  const one = (p: number): number => {
    try {
      const f = readFileSync(`/proc/${p}/stat`, 'utf8').slice(readFileSync(`/proc/${p}/stat`, 'utf8').lastIndexOf(')') + 2).split(' ');
      return (Number(f[11]) + Number(f[12])) / CLK_TCK;
    } catch {
      return 0;
    }
  };
  let s = one(pid);
  if (tree) for (const c of childPids(pid)) s += cpuSeconds(c, true);
  return s;
}

function childPids(pid: number): number[] {
  const r = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).map(Number);
}

function brokerPid(port: string): number {
  const out = spawnSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' }).stdout;
  const m = /pid=(\d+)/.exec(out);
  if (!m) throw new Error(`no process listens on ${port}`);
  return Number(m[1]);
}

async function metricsText(port: number): Promise<string> {
  return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
}

function histogram(text: string): { buckets: [string, number][]; sum: number; count: number } {
  const buckets: [string, number][] = [];
  for (const m of text.matchAll(/^spamtrap_sink_publish_seconds_bucket\{le="([^"]+)"\} (\S+)$/gm)) buckets.push([m[1]!, Number(m[2])]);
  const sum = Number(/^spamtrap_sink_publish_seconds_sum (\S+)$/m.exec(text)?.[1] ?? NaN);
  const count = Number(/^spamtrap_sink_publish_seconds_count (\S+)$/m.exec(text)?.[1] ?? NaN);
  return { buckets, sum, count };
}

async function main(): Promise<void> {
  const kcfg = loadKafkaConfig();
  const bpid = brokerPid(kcfg.brokers[0]!.split(':')[1]!);
  const suffix = randomBytes(4).toString('hex');
  const topics = { raw: `bench-${suffix}.spamtrap.raw`, sessions: `bench-${suffix}.spamtrap.sessions` };
  const admin = createKafka(kcfg).createAdmin();
  await admin.ensureTopics([
    { topic: topics.raw, partitions: PARTITIONS, maxMessageBytes: TOPIC_MAX_RECORD_BYTES.raw, retentionMs: 3_600_000 },
    { topic: topics.sessions, partitions: 1, maxMessageBytes: TOPIC_MAX_RECORD_BYTES.sessions, retentionMs: 3_600_000 },
  ]);
  const port = await freePort();
  const metricsPort = await freePort();
  const env = {
    ...process.env,
    SINK_LISTEN: `127.0.0.1:${port}`,
    SINK_TRAP_DOMAINS: 'trap.example',
    SINK_TOPIC_RAW: topics.raw,
    SINK_TOPIC_SESSIONS: topics.sessions,
    SINK_ENSURE_TOPICS: 'false',
    SINK_METRICS_LISTEN: `127.0.0.1:${metricsPort}`,
    SINK_MAX_CONNECTIONS_PER_IP: '1000',
    SINK_LOG_LEVEL: 'warn',
    ...EXTRA_ENV,
  };
  const nodeArgs = [...(PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', PROF_DIR] : []), '--import', 'tsx', (process.env.PROFILE_SINK_MAIN ?? join(ROOT, 'services/smtp-sink/src/main.ts'))];
  const cmd = PIN ? ['taskset', '-c', '0', process.execPath, ...nodeArgs] : [process.execPath, ...nodeArgs];
  const sink = spawn(cmd[0]!, cmd.slice(1), { env, stdio: ['ignore', 'ignore', 'inherit'], cwd: ROOT });
  try {
    await waitPort(port, sink);
    // Warm-up (JIT, producer connection), not counted.
    spawnSync(SMTP_SOURCE, ['-s', String(SESSIONS), '-m', '2000', '-l', '2048', '-f', 'a@sender.example', '-t', 'trap@trap.example', `127.0.0.1:${port}`]);
    process.stdout.write(`loadavg ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}; env ${JSON.stringify(EXTRA_ENV)}\n`);
    for (const c of CELLS) {
      const before = histogram(await metricsText(metricsPort));
      const sinkCpu0 = cpuSeconds(sink.pid!, true);
      const brokerCpu0 = cpuSeconds(bpid);
      const args = [...(MANY[c - 1] ? ['-d'] : []), '-s', String(SESSIONS), '-m', String(N), '-l', String(SIZES[c - 1]), '-f', 'a@sender.example', '-t', 'trap@trap.example', `127.0.0.1:${port}`];
      const full = PIN ? ['taskset', '-c', '1', SMTP_SOURCE, ...args] : [SMTP_SOURCE, ...args];
      const t0 = process.hrtime.bigint();
      const src = spawn(full[0]!, full.slice(1), { stdio: 'ignore' });
      let srcCpu = 0;
      const poll = setInterval(() => (srcCpu = Math.max(srcCpu, cpuSeconds(src.pid!))), 50);
      await new Promise((r) => src.on('exit', r));
      clearInterval(poll);
      const secs = Number(process.hrtime.bigint() - t0) / 1e9;
      const sinkCpu = cpuSeconds(sink.pid!, true) - sinkCpu0;
      const brokerCpu = cpuSeconds(bpid) - brokerCpu0;
      const after = histogram(await metricsText(metricsPort));
      const count = after.count - before.count;
      const dist = after.buckets.map(([le, v], i) => `≤${le}s:${(((v - before.buckets[i]![1]) / count) * 100).toFixed(0)}%`).join(' ');
      process.stdout.write(
        `cell ${c} (${SIZES[c - 1]! / 1024} KB, ${MANY[c - 1] ? 'many' : '1'}/conn): ${(N / secs).toFixed(0)} msgs/s; CPU µs/msg sink ${((sinkCpu / N) * 1e6).toFixed(0)} (util ${(sinkCpu / secs).toFixed(2)}), ` +
          `broker ${((brokerCpu / N) * 1e6).toFixed(0)} (util ${(brokerCpu / secs).toFixed(2)}), smtp-source ≥${((srcCpu / N) * 1e6).toFixed(0)}; ` +
          `ack latency mean ${(((after.sum - before.sum) / count) * 1000).toFixed(2)} ms over ${count}\n  ${dist}\n`,
      );
    }
  } finally {
    sink.kill('SIGTERM');
    await new Promise((r) => sink.on('exit', r));
    await admin.deleteTopics([topics.raw, topics.sessions]).catch(() => undefined);
    await admin.close();
  }
}

await main();
