// Flood test for the sink (real Kafka): more connections than allowed and more bytes than the in-flight cap.
// Shows that excess load gets 4xx, that the sink keeps greeting a probe client promptly, and its peak RSS.
//
//   npx tsx bench/smtp/flood.ts [--connections 1500] [--big 200] [--big-bytes 1000000]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKafka, loadKafkaConfig } from '@spamtrap/kafka';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const arg = (n: string, d: number): number => {
  const i = process.argv.indexOf(`--${n}`);
  return i >= 0 ? Number(process.argv[i + 1]) : d;
};
const CONNECTIONS = arg('connections', 1500);
const BIG = arg('big', 200);
const BIG_BYTES = arg('big-bytes', 1_000_000);
const MAX_CONNECTIONS = 500;
const MAX_INFLIGHT = 64 * 1024 * 1024;

async function freePort(): Promise<number> {
  return new Promise((r) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => r(port));
    });
  });
}

/** Minimal SMTP client step: write `line`, wait for a full reply, return its code (0 on close/timeout). */
function session(port: number): Promise<{ s: Socket; next: (line?: string, ms?: number) => Promise<number> }> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let buf = '';
    let wake: (() => void) | null = null;
    s.setEncoding('latin1');
    s.on('data', (d: string) => ((buf += d), wake?.()));
    s.on('close', () => wake?.());
    s.on('error', () => undefined);
    const next = async (line?: string, ms = 120_000): Promise<number> => {
      if (line !== undefined) s.write(line);
      const deadline = Date.now() + ms;
      for (;;) {
        const m = /^(\d{3}) .*\r\n/m.exec(buf);
        if (m) {
          buf = buf.slice(m.index + m[0].length);
          return Number(m[1]);
        }
        if (s.destroyed || Date.now() > deadline) return 0;
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 100);
        });
      }
    };
    s.once('connect', () => resolve({ s, next }));
    s.once('error', () => resolve({ s, next: () => Promise.resolve(0) }));
  });
}

function vmHwmMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function main(): Promise<void> {
  const id = randomBytes(4).toString('hex');
  const topics = { raw: `bench-${id}.spamtrap.raw`, sessions: `bench-${id}.spamtrap.sessions` };
  const admin = createKafka(loadKafkaConfig()).createAdmin();
  await admin.ensureTopics([
    { topic: topics.raw, partitions: 4, maxMessageBytes: 16 * 1024 * 1024, retentionMs: 3_600_000 },
    { topic: topics.sessions, partitions: 1, retentionMs: 3_600_000 },
  ]);
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'services/smtp-sink/src/main.ts')], {
    env: {
      ...process.env,
      SINK_LISTEN: `127.0.0.1:${port}`,
      SINK_TRAP_DOMAINS: 'trap.example',
      SINK_TOPIC_RAW: topics.raw,
      SINK_TOPIC_SESSIONS: topics.sessions,
      SINK_ENSURE_TOPICS: 'false',
      SINK_METRICS_LISTEN: 'off',
      SINK_MAX_CONNECTIONS: String(MAX_CONNECTIONS),
      SINK_MAX_CONNECTIONS_PER_IP: String(MAX_CONNECTIONS),
      SINK_MAX_INFLIGHT_BYTES: String(MAX_INFLIGHT),
      SINK_LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    for (let i = 0; i < 100; i++) {
      const ok = await new Promise<boolean>((r) => connect(port, '127.0.0.1').once('connect', function (this: Socket) { this.destroy(); r(true); }).once('error', () => r(false)));
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const rssIdle = vmHwmMb(child.pid!);

    // Phase 1: CONNECTIONS idle connections at once (a connection flood that never sends mail).
    const greet = new Map<number, number>();
    const held = await Promise.all(Array.from({ length: CONNECTIONS }, () => session(port)));
    const codes = await Promise.all(held.map((h) => h.next(undefined, 10_000)));
    for (const c of codes) greet.set(c, (greet.get(c) ?? 0) + 1);
    for (const h of held) h.s.destroy();
    await new Promise((r) => setTimeout(r, 1500));

    // Phase 2: BIG concurrent messages of BIG_BYTES each (BIG x BIG_BYTES >> the in-flight cap), plus a probe.
    const body = `Subject: big\r\n\r\n${'x'.repeat(76)}\r\n`.repeat(Math.ceil(BIG_BYTES / 80)).slice(0, BIG_BYTES) + '\r\n.\r\n';
    const results = new Map<number, number>();
    let probeMs = NaN;
    const t0 = Date.now();
    const big = Promise.all(
      Array.from({ length: BIG }, async () => {
        const { s, next } = await session(port);
        let code = await next();
        if (code === 220) code = await next('EHLO flood.example\r\n');
        if (code === 250) code = await next('MAIL FROM:<f@flood.example>\r\n');
        if (code === 250) code = await next('RCPT TO:<t@trap.example>\r\n');
        if (code === 250) code = await next('DATA\r\n');
        if (code === 354) code = await next(body);
        results.set(code, (results.get(code) ?? 0) + 1);
        s.destroy();
      }),
    );
    await new Promise((r) => setTimeout(r, 300));
    const p0 = Date.now();
    const probe = await session(port);
    if ((await probe.next(undefined, 30_000)) === 220) probeMs = Date.now() - p0;
    probe.s.destroy();
    await big;
    const secs = (Date.now() - t0) / 1000;
    const rssPeak = vmHwmMb(child.pid!);

    const fmt = (m: Map<number, number>): string => [...m].sort((a, b) => a[0] - b[0]).map(([k, v]) => `${k === 0 ? 'closed/timeout' : k}: ${v}`).join(', ');
    process.stdout.write(
      [
        `Flood test (${new Date().toISOString()}, loadavg ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}), SINK_MAX_CONNECTIONS=${MAX_CONNECTIONS}, SINK_MAX_INFLIGHT_BYTES=${MAX_INFLIGHT}`,
        '',
        '| phase | result |',
        '|---|---|',
        `| ${CONNECTIONS} simultaneous idle connections | first reply: ${fmt(greet)} |`,
        `| ${BIG} concurrent ${(BIG_BYTES / 1e6).toFixed(1)} MB messages (${((BIG * BIG_BYTES) / 2 ** 20).toFixed(0)} MiB vs a ${MAX_INFLIGHT / 2 ** 20} MiB cap), ${secs.toFixed(1)} s | final reply: ${fmt(results)} |`,
        `| probe connection during phase 2 | greeted after ${probeMs.toFixed(0)} ms |`,
        `| sink RSS | ${rssIdle.toFixed(0)} MB after start, peak ${rssPeak.toFixed(0)} MB |`,
        '',
      ].join('\n'),
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await admin.deleteTopics([topics.raw, topics.sessions]).catch(() => undefined);
    await admin.close();
  }
}

await main();
