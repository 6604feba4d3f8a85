// SMTP sink benchmark: our sink (publishing to real Kafka, acks=all) side by side with Postfix smtp-sink, load from smtp-source.
//
//   npx tsx bench/smtp/run.ts [--reps 5] [--seconds 2] [--sessions 50] [--pregreet 0,5] [--linger 0,5] [--refs bare,nokafka] [--cells 1,4] [--no-pin]
//
// Needs Debian's postfix (smtp-sink, smtp-source) and Kafka at KAFKA_BROKERS (default 127.0.0.1:9092).
// Each rep runs every cell on every sink, in rotating order; figures are medians over reps (rep 0 =
// warm-up + calibration, dropped). Sinks are pinned to CPU 0 and smtp-source to CPU 1 (as in the
// perf anchors) unless --no-pin. Prints a Markdown table on stdout; progress goes to stderr.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKafka, loadKafkaConfig } from '@spamtrap/kafka';
import { DEFAULT_TOPIC_PARTITIONS, TOPIC_MAX_RECORD_BYTES } from '@spamtrap/contracts';
import { freePort } from '../support/util.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SMTP_SINK = '/usr/sbin/smtp-sink';
const SMTP_SOURCE = '/usr/sbin/smtp-source';
const CLK_TCK = 100; // USER_HZ on Linux: /proc/PID/stat times are in 1/100 s

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : def;
}
const REPS = Number(arg('reps', '5'));
const SECONDS = Number(arg('seconds', '2'));
const SESSIONS = Number(arg('sessions', '50'));
const PREGREETS = arg('pregreet', '5').split(',').map(Number);
/** SINK_PUBLISH_LINGER_MS values to run side by side (each with every pre-greeting value). */
const LINGERS = arg('linger', '0').split(',').map(Number);
const PIN = !process.argv.includes('--no-pin');
/** Reference sinks without Kafka (reference-sink.ts): bare smtp-server, and our sink with an instant ack. */
const REFS = arg('refs', '').split(',').filter((r) => r === 'bare' || r === 'nokafka');
const log = (s: string): void => void process.stderr.write(s + '\n');

interface Cell {
  name: string;
  size: number;
  many: boolean;
}
const ALL_CELLS: Cell[] = [
  { name: '2 KB, 1 msg/conn', size: 2048, many: false },
  { name: '2 KB, many msgs/conn', size: 2048, many: true },
  { name: '20 KB, 1 msg/conn', size: 20480, many: false },
  { name: '20 KB, many msgs/conn', size: 20480, many: true },
];
const CELL_FILTER = arg('cells', '');
const CELLS = ALL_CELLS.filter((c, i) => CELL_FILTER === '' || CELL_FILTER.split(',').includes(String(i + 1)));

interface Sink {
  label: string;
  port: number;
  proc: ChildProcess;
  ours: boolean;
}

async function waitPort(port: number, proc: ChildProcess): Promise<void> {
  const { connect } = await import('node:net');
  for (let i = 0; i < 200; i++) {
    if (proc.exitCode !== null) throw new Error(`sink exited with ${proc.exitCode}`);
    const ok = await new Promise<boolean>((r) => {
      const c = connect(port, '127.0.0.1', () => {
        c.destroy();
        r(true);
      });
      c.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} never opened`);
}

function pin(cpu: number, cmd: string[]): string[] {
  return PIN ? ['taskset', '-c', String(cpu), ...cmd] : cmd;
}

/** Peak RSS (VmHWM) of a process in MB, from /proc. */
function peakRssMb(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** utime+stime (s) of a process, all its threads, from /proc/PID/stat; NaN when gone. */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return NaN;
  }
}

/** The Kafka broker's pid, from the listener on KAFKA_BROKERS' first port (its CPU shares the machine). */
function brokerPid(): number | undefined {
  const port = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',')[0]!.split(':').pop()!;
  const m = /pid=(\d+)/.exec(spawnSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' }).stdout ?? '');
  return m ? Number(m[1]) : undefined;
}

const loadavg = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** One smtp-source run; resolves with msgs/s, or throws when smtp-source reported an error. */
function runSource(port: number, cell: Cell, n: number): number {
  const args = [SMTP_SOURCE, ...(cell.many ? ['-d'] : []), '-s', String(SESSIONS), '-m', String(n), '-l', String(cell.size), '-f', 'spammer@sender.example', '-t', 'trap@trap.example', `127.0.0.1:${port}`];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(pin(1, args)[0]!, pin(1, args).slice(1), { encoding: 'utf8', timeout: 120_000 });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0 || /error|fatal|warning/i.test(r.stderr)) throw new Error(`smtp-source failed (${r.status}): ${r.stderr.slice(0, 300)}`);
  return n / secs;
}

async function metric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function main(): Promise<void> {
  if (spawnSync(SMTP_SOURCE, ['-h'], { encoding: 'utf8' }).error) throw new Error('postfix smtp-source not found: apt-get install postfix (debconf "No configuration")');
  const suffix = randomBytes(4).toString('hex');
  const topics = { raw: `bench-${suffix}.spamtrap.raw`, sessions: `bench-${suffix}.spamtrap.sessions` };
  const kafka = createKafka(loadKafkaConfig());
  const admin = kafka.createAdmin();
  await admin.ensureTopics([
    { topic: topics.raw, partitions: DEFAULT_TOPIC_PARTITIONS, maxMessageBytes: TOPIC_MAX_RECORD_BYTES.raw, retentionMs: 3_600_000 },
    { topic: topics.sessions, partitions: 1, maxMessageBytes: TOPIC_MAX_RECORD_BYTES.sessions, retentionMs: 3_600_000 },
  ]);
  const sinks: Sink[] = [];
  try {
    const pfPort = await freePort();
    const pf = spawn(pin(0, [SMTP_SINK])[0]!, pin(0, [SMTP_SINK, '-u', 'nobody', '-a', '-C', '-F', '-m', '1024', `127.0.0.1:${pfPort}`, '1024']).slice(1), { stdio: 'ignore' });
    sinks.push({ label: 'postfix smtp-sink', port: pfPort, proc: pf, ours: false });
    for (const pg of PREGREETS) for (const linger of LINGERS) {
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
        SINK_PREGREET_MS: String(pg),
        SINK_PUBLISH_LINGER_MS: String(linger),
        // smtp-source opens all sessions from 127.0.0.1; reconnects can briefly overlap the old socket's close.
        SINK_MAX_CONNECTIONS_PER_IP: '1000',
        SINK_LOG_LEVEL: 'warn',
      };
      const proc = spawn(pin(0, [process.execPath])[0]!, [...pin(0, [process.execPath]).slice(1), '--import', 'tsx', join(ROOT, 'services/smtp-sink/src/main.ts')], { env, stdio: ['ignore', 'ignore', 'inherit'], cwd: ROOT });
      const label = `ours, pregreet ${pg} ms${LINGERS.length > 1 ? `, linger ${linger} ms` : ''}`;
      sinks.push({ label, port, proc, ours: true, metricsPort } as Sink & { metricsPort: number });
    }
    for (const ref of REFS) {
      const port = await freePort();
      const env = { ...process.env, SINK_LISTEN: `127.0.0.1:${port}`, SINK_TRAP_DOMAINS: 'trap.example', SINK_MAX_CONNECTIONS_PER_IP: '1000', SINK_PREGREET_MS: String(PREGREETS[0]), SINK_LOG_LEVEL: 'warn', SINK_METRICS_LISTEN: 'off' };
      const cmd = pin(0, [process.execPath, '--import', 'tsx', join(ROOT, 'bench/smtp/reference-sink.ts'), ref]);
      const proc = spawn(cmd[0]!, cmd.slice(1), { env, stdio: ['ignore', 'ignore', 'inherit'], cwd: ROOT });
      sinks.push({ label: ref === 'bare' ? 'bare smtp-server (no Kafka)' : 'ours, no Kafka (instant ack)', port, proc, ours: false });
    }
    for (const s of sinks) await waitPort(s.port, s.proc);

    // rates[cell][sink] = msgs/s per kept rep
    const rates = CELLS.map(() => sinks.map(() => [] as number[]));
    // CPU µs per message of each sink and of the broker during that sink's runs (per kept rep).
    const sinkUs = CELLS.map(() => sinks.map(() => [] as number[]));
    const brokerUs = CELLS.map(() => sinks.map(() => [] as number[]));
    const bpid = brokerPid();
    const loadStart = loadavg();
    const nFor = CELLS.map(() => sinks.map(() => 200));
    let oursSent = 0;
    for (let rep = 0; rep <= REPS; rep++) {
      for (let c = 0; c < CELLS.length; c++) {
        const order = sinks.map((_, i) => (i + rep + c) % sinks.length);
        for (const si of order) {
          const sink = sinks[si]!;
          const n = nFor[c]![si]!;
          const cpu0 = cpuSeconds(sink.proc.pid);
          const b0 = cpuSeconds(bpid);
          const rate = runSource(sink.port, CELLS[c]!, n);
          const us = ((cpuSeconds(sink.proc.pid) - cpu0) / n) * 1e6;
          const bus = ((cpuSeconds(bpid) - b0) / n) * 1e6;
          if (sink.ours) oursSent += n;
          if (rep > 0) {
            sinkUs[c]![si]!.push(us);
            brokerUs[c]![si]!.push(bus);
          }
          // Resize so the next run lasts ~SECONDS.
          nFor[c]![si] = Math.max(SESSIONS * 2, Math.round(rate * SECONDS));
          if (rep > 0) rates[c]![si]!.push(rate);
          log(`rep ${rep} ${CELLS[c]!.name.padEnd(22)} ${sink.label.padEnd(24)} n=${String(n).padStart(6)} ${rate.toFixed(0).padStart(6)} msgs/s`);
        }
      }
    }

    // Durability check: every message our sinks answered 250 is in Kafka (end offsets of the bench topic).
    let accepted = 0;
    for (const s of sinks) if (s.ours) accepted += await metric((s as Sink & { metricsPort: number }).metricsPort, 'spamtrap_sink_messages_accepted_total');
    const { client } = kafka;
    const kadmin = client.admin();
    await kadmin.connect();
    const offsets = await kadmin.fetchTopicOffsets(topics.raw);
    await kadmin.disconnect();
    const inKafka = offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);

    const rss = sinks.map((s) => peakRssMb(s.proc.pid));
    const lines: string[] = [];
    lines.push(`SMTP sink benchmark, ${SESSIONS} concurrent smtp-source sessions, ${REPS} reps (medians), ${new Date().toISOString()}, loadavg at start ${loadStart}, at end ${loadavg()}`);
    lines.push('');
    const head = ['cell', ...sinks.map((s) => `${s.label} msgs/s`), ...sinks.slice(1).map((s) => `ratio (${s.label.replace('ours, ', '')})`)];
    lines.push(`| ${head.join(' | ')} |`);
    lines.push(`|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
    for (let c = 0; c < CELLS.length; c++) {
      const med = sinks.map((_, si) => median(rates[c]![si]!));
      const ratios = sinks
        .map((s, si) => ({ s, si }))
        .filter(({ si }) => si > 0)
        .map(({ si }) => median(rates[c]![si]!.map((r, k) => r / rates[c]![0]![k]!)));
      lines.push(`| ${CELLS[c]!.name} | ${med.map((m) => m.toFixed(0)).join(' | ')} | ${ratios.map((r) => `${r.toFixed(2)}x`).join(' | ')} |`);
    }
    lines.push(`| peak RSS (MB) | ${rss.map((r) => r.toFixed(0)).join(' | ')} | ${sinks.slice(1).map(() => '').join(' | ')} |`);
    lines.push('');
    lines.push('CPU per message (median µs of utime+stime): sink / Kafka broker during that sink\'s runs; capacity ratio = postfix sink µs ÷ our sink µs');
    lines.push('');
    const chead = ['cell', ...sinks.map((s) => `${s.label} µs/msg (broker)`), ...sinks.slice(1).map((s) => `capacity ratio (${s.label.replace('ours, ', '')})`)];
    lines.push(`| ${chead.join(' | ')} |`);
    lines.push(`|${chead.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
    for (let c = 0; c < CELLS.length; c++) {
      const med = sinks.map((_, si) => median(sinkUs[c]![si]!));
      const bmed = sinks.map((_, si) => median(brokerUs[c]![si]!));
      const caps = med.slice(1).map((m) => med[0]! / m);
      lines.push(`| ${CELLS[c]!.name} | ${med.map((m, si) => `${m.toFixed(0)} (${bmed[si]!.toFixed(0)})`).join(' | ')} | ${caps.map((r) => `${r.toFixed(2)}x`).join(' | ')} |`);
    }
    lines.push('');
    lines.push(`Durability: our sinks were sent ${oursSent} messages, answered 250 to ${accepted}, and ${inKafka} records are in ${topics.raw} (acks=all). ${accepted === inKafka && accepted === oursSent ? 'All accounted for.' : 'MISMATCH.'}`);
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    for (const s of sinks) s.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1500));
    await admin.deleteTopics([topics.raw, topics.sessions]).catch((err: unknown) => log(`topic delete failed: ${String(err)}`));
    await admin.close();
  }
}

await main();
