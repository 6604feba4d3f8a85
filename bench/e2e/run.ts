// End-to-end benchmark: the four services as separate processes on the shared local stack; open-loop SMTP load; 250 -> searchable latency.
//
//   npx tsx bench/e2e/run.ts [--rates 250,500,1000 | --rate 1000] [--seconds 60] [--size 2048]
//        [--concurrency 64] [--per-conn 20] [--instances 1] [--sample 10] [--interval 200] [--bound 60]
//   npm run bench -- e2e [same flags]
//
// One pipeline (unique prefix: own topics, indices, queue) is started once; after a warm-up that
// proves every consumer group is attached, each rate runs for --seconds, then the run waits until
// everything accepted is searchable before the next rate. Prints Markdown tables on stdout,
// progress on stderr. DNS is off in the enricher (ENRICHER_DNS=false): the benchmark measures the
// pipeline, not a resolver. Everything the run created is deleted at the end.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prefixedTopics } from '@spamtrap/contracts';
import { createKafka, loadKafkaConfig, pipelineTopicSpecs } from '@spamtrap/kafka';
import { createEsStore, esConfigSchema } from '@spamtrap/es';
import { indexNames } from '@spamtrap/es-schema';
import { createBullProbeQueue, queueConfigSchema } from '@spamtrap/queue';
import { DEMO_MX } from '@spamtrap/cli/samples';
import { pipelineEnv } from '../../test/support/pipeline-env.js';
import { buildTemplates, templateTrapDomains } from './messages.js';
import { runLoad, type LoadResult } from './load.js';
import { SearchableSampler, stageTimes, type StageTimes } from './searchable.js';
import { CLK_TCK, loadAverage, machineTicks, pidListening, sample, startService, stopService, type Proc, type ProcSample } from './procs.js';
import { fmt, percentile, rateBetween } from './stats.js';
import type { Timings } from './nominator-timed.js';
import { LagSampler } from './lag.js';
import { freePort } from '../support/util.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : def;
}
const RATES = arg('rates', arg('rate', '1000')).split(',').map(Number);
const SECONDS = Number(arg('seconds', '60'));
const SIZE = Number(arg('size', '2048'));
const CONCURRENCY = Number(arg('concurrency', '64'));
const PER_CONN = Number(arg('per-conn', '20'));
const INSTANCES = Number(arg('instances', '1'));
/** `--env K=V` (repeatable): extra settings for every service, e.g. NOMINATOR_PARTITIONS_CONCURRENTLY=4. */
const EXTRA_ENV: Record<string, string> = Object.fromEntries(
  process.argv.flatMap((a, i) => (a === '--env' && process.argv[i + 1]?.includes('=') ? [process.argv[i + 1]!.split(/=(.*)/s).slice(0, 2) as [string, string]] : [])),
);
/** Run the nominator through bench/e2e/nominator-timed.ts (same service, ES/Redis/batch calls timed). */
const TIMED_NOMINATOR = process.argv.includes('--timed-nominator');
const SAMPLE_EVERY = Number(arg('sample', '10'));
const INTERVAL_MS = Number(arg('interval', '200'));
/** A sampled message not searchable this long after its 250 counts as never searchable. */
const BOUND_MS = Number(arg('bound', '60')) * 1000;
/** The first part of each load window is excluded from the sustained rate (queues filling, JIT, rebalances). */
const STEADY_SKIP = 0.2;
/** The final exactly-once count gives up once it has not grown for this long. */
const FINAL_STALL_MS = 30_000;
const log = (s: string): void => void process.stderr.write(`[e2e ${new Date().toISOString().slice(11, 19)}] ${s}\n`);

for (const [flag, v] of Object.entries({ seconds: SECONDS, size: SIZE, concurrency: CONCURRENCY, 'per-conn': PER_CONN, instances: INSTANCES, sample: SAMPLE_EVERY, interval: INTERVAL_MS, bound: BOUND_MS })) {
  if (!Number.isFinite(v) || v <= 0) {
    process.stderr.write(`bench e2e: --${flag} must be a positive number\n`);
    process.exit(2);
  }
}
if (RATES.some((r) => !Number.isFinite(r) || r <= 0)) {
  process.stderr.write('bench e2e: --rates must be positive numbers, comma-separated\n');
  process.exit(2);
}

async function waitPort(port: number, p: Proc): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (p.child && p.child.exitCode !== null) throw new Error(`${p.name} exited with ${p.child.exitCode} (see its log)`);
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

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface PhaseResult {
  rate: number;
  load: LoadResult;
  latencies: number[];
  neverSearchable: number;
  sampled: number;
  sustained: number;
  /** Seconds from the last 250 until _count reached everything accepted so far. */
  drainS: number;
  cpu: Map<string, number>;
  rss: Map<string, number>;
  machineBusyPct: number;
  genCpuPct: number;
  loadavg: string;
  queryMsP50: number;
  stages: StageTimes[];
  maxLag: Map<string, number>;
  /** Nominator call timings over the phase (load + drain), summed over instances; empty unless --timed-nominator. */
  timings: Timings;
  windowS: number;
}

function readTimings(logDir: string): Timings {
  const sum: Timings = {};
  for (let i = 1; i <= INSTANCES; i++) {
    const f = join(logDir, `nominator-${i}.timings.json`);
    if (!existsSync(f)) continue;
    const { totals } = JSON.parse(readFileSync(f, 'utf8')) as { totals: Timings };
    for (const [k, v] of Object.entries(totals)) {
      const s = (sum[k] ??= { calls: 0, ms: 0, maxMs: 0, records: 0 });
      s.calls += v.calls;
      s.ms += v.ms;
      s.maxMs = Math.max(s.maxMs, v.maxMs);
      s.records = (s.records ?? 0) + (v.records ?? 0);
    }
  }
  return sum;
}

function diffTimings(a: Timings, b: Timings): Timings {
  const out: Timings = {};
  for (const [k, v] of Object.entries(b)) {
    const p = a[k];
    out[k] = { calls: v.calls - (p?.calls ?? 0), ms: v.ms - (p?.ms ?? 0), maxMs: v.maxMs, records: (v.records ?? 0) - (p?.records ?? 0) };
  }
  return out;
}

async function main(): Promise<void> {
  const prefix = `bench-e2e-${randomBytes(3).toString('hex')}`;
  const templates = buildTemplates(SIZE);
  const port = await freePort();
  const env = pipelineEnv({
    prefix,
    trapDomains: templateTrapDomains(templates),
    ourHosts: [DEMO_MX],
    dnsServer: null,
    sinkListen: `127.0.0.1:${port}`,
    proxyFrom: ['127.0.0.1'],
  });
  // An empty SINK_METRICS_LISTEN reads as unset (default 127.0.0.1:9325, often taken on a shared machine): give it a free port.
  env['SINK_METRICS_LISTEN'] = `127.0.0.1:${await freePort()}`;
  Object.assign(env, EXTRA_ENV);
  const esNode = env['ES_NODE']!;
  const names = indexNames(prefix);
  const logDir = mkdtempSync(join(tmpdir(), 'spamtrap-bench-e2e-'));
  log(`prefix ${prefix}, logs in ${logDir}, rates ${RATES.join(',')}/s x ${SECONDS}s, ${SIZE} B, ${CONCURRENCY} sessions x ${PER_CONN} msgs, ${INSTANCES} instance(s) per stage`);

  const admin = createKafka(loadKafkaConfig(env)).createAdmin();
  await admin.ensureTopics(pipelineTopicSpecs(prefixedTopics(prefix)));

  const procs: Proc[] = [];
  const cleanup = async (): Promise<void> => {
    log('stopping services and deleting topics, indices, templates, queue');
    // Sink first (nothing new enters), then the stages in flow order.
    for (const p of [...procs].reverse()) await stopService(p).catch(() => undefined);
    await admin.deleteTopics(Object.values(prefixedTopics(prefix))).catch(() => undefined);
    await admin.close().catch(() => undefined);
    const store = createEsStore(esConfigSchema.load(env));
    await store.deleteIndices(`${prefix}-*`).catch(() => undefined);
    for (const t of Object.values(names.templates)) await fetch(`${esNode}/_index_template/${t}`, { method: 'DELETE' }).catch(() => undefined);
    for (const t of Object.values(names.templates)) await fetch(`${esNode}/_component_template/${t}`, { method: 'DELETE' }).catch(() => undefined);
    await store.close().catch(() => undefined);
    const queue = await createBullProbeQueue(queueConfigSchema.load(env));
    await queue.obliterate().catch(() => undefined);
    await queue.close().catch(() => undefined);
  };
  let interrupted = false;
  process.once('SIGINT', () => {
    interrupted = true;
    void cleanup().finally(() => process.exit(130));
  });

  try {
    // Consumers first (so they are attached when the first record arrives), the sink last.
    for (let i = 1; i <= INSTANCES; i++) {
      const timedEntry = TIMED_NOMINATOR ? join(ROOT, 'bench', 'e2e', 'nominator-timed.ts') : undefined;
      const nomEnv = TIMED_NOMINATOR ? { ...env, BENCH_TIMINGS_FILE: join(logDir, `nominator-${i}.timings.json`) } : env;
      procs.push(startService(ROOT, logDir, `nominator-${i}`, 'nominator', nomEnv, timedEntry));
      procs.push(startService(ROOT, logDir, `enricher-${i}`, 'enricher', env));
      procs.push(startService(ROOT, logDir, `parser-${i}`, 'parser', env));
    }
    const sink = startService(ROOT, logDir, 'sink', 'smtp-sink', env);
    procs.push(sink);
    await waitPort(port, sink);
    const stack: Proc[] = [];
    for (const [name, p] of [['kafka', 9092], ['es', 9200], ['redis', 6380]] as const) {
      const pid = pidListening(p);
      if (pid !== null) stack.push({ name, pid });
      else log(`no process found listening on ${p} (${name}); its CPU is not reported`);
    }
    const watched = [...procs, ...stack];

    // Warm-up: a few hundred messages, all sampled, until every one is searchable (groups attached, JIT warm).
    let acceptedTotal = 0;
    const warm = new SearchableSampler({ esNode, pattern: names.evidencePattern, intervalMs: INTERVAL_MS, maxIdsPerQuery: 1000 });
    warm.start();
    const w = await runLoad({ host: '127.0.0.1', port, rate: 50, seconds: 6, concurrency: 8, perConnection: PER_CONN, templates, onAccepted: (id, at) => warm.add(id, at) });
    acceptedTotal += w.accepted;
    log(`warm-up: ${w.accepted} accepted, waiting until searchable`);
    const warmDeadline = Date.now() + 180_000;
    while (warm.pendingCount > 0 && Date.now() < warmDeadline) await sleep(250);
    warm.stop();
    if (warm.pendingCount > 0) throw new Error(`warm-up: ${warm.pendingCount} messages not searchable after 180 s; see logs in ${logDir}`);
    log(`warm-up done: p50 ${fmt(percentile(warm.seen.map((s) => s.latencyMs), 50))} ms`);

    const topics = prefixedTopics(prefix);
    const lag = new LagSampler(env['KAFKA_BROKERS']!.split(','), [
      { stage: 'parser', groupId: env['PARSER_GROUP_ID']!, topic: topics.raw },
      { stage: 'enricher', groupId: env['ENRICHER_GROUP_ID']!, topic: topics.parsed },
      { stage: 'nominator', groupId: env['NOMINATOR_GROUP_ID']!, topic: topics.verdicts },
    ]);
    await lag.start();
    const results: PhaseResult[] = [];
    for (const rate of RATES) {
      if (interrupted) break;
      const sampler = new SearchableSampler({ esNode, pattern: names.evidencePattern, intervalMs: INTERVAL_MS, maxIdsPerQuery: 2000 });
      let n = 0;
      sampler.start();
      lag.reset();
      const timings0 = readTimings(logDir);
      const before = new Map<string, ProcSample | null>(watched.map((p) => [p.name, sample(p.pid)]));
      const m0 = machineTicks();
      const g0 = process.cpuUsage();
      const t0 = Date.now();
      log(`rate ${rate}/s for ${SECONDS}s (load average ${loadAverage()})`);
      const load = await runLoad({
        host: '127.0.0.1',
        port,
        rate,
        seconds: SECONDS,
        concurrency: CONCURRENCY,
        perConnection: PER_CONN,
        templates,
        onAccepted: (id, at) => {
          if (n++ % SAMPLE_EVERY === 0) sampler.add(id, at);
        },
      });
      const t1 = Date.now();
      const loadavg = loadAverage();
      const after = new Map<string, ProcSample | null>(watched.map((p) => [p.name, sample(p.pid)]));
      const m1 = machineTicks();
      const g1 = process.cpuUsage(g0);
      acceptedTotal += load.accepted;
      log(`  sent: ${load.accepted} accepted of ${load.offered} offered, ${load.tempFailures} 4xx, ${load.broken} broken, backlog max ${load.maxBacklog}; waiting for the pipeline`);

      // Drain: until _count covers everything accepted and no sampled id is pending (or the bound passes).
      let drainedAt = 0;
      let never = 0;
      for (;;) {
        never += sampler.expire(BOUND_MS).length;
        const last = sampler.counts[sampler.counts.length - 1];
        if (drainedAt === 0 && last && last.count >= acceptedTotal) drainedAt = last.at;
        if (drainedAt !== 0 && sampler.pendingCount === 0) break;
        if (Date.now() - t1 > BOUND_MS + 5_000) {
          never += sampler.expire(0).length;
          break;
        }
        await sleep(250);
      }
      sampler.stop();
      await sleep(TIMED_NOMINATOR ? 1100 : 0);
      const timings = diffTimings(timings0, readTimings(logDir));
      const windowS = (Date.now() - t0) / 1000;
      const maxLag = lag.max;
      const cpu = new Map<string, number>();
      const rss = new Map<string, number>();
      for (const p of watched) {
        const a = before.get(p.name);
        const b = after.get(p.name);
        if (a && b) {
          cpu.set(p.name, ((b.ticks - a.ticks) / CLK_TCK / ((t1 - t0) / 1000)) * 100);
          rss.set(p.name, b.rssBytes);
        }
      }
      const steadyFrom = t0 + (t1 - t0) * STEADY_SKIP;
      const latencies = sampler.seen.map((s) => s.latencyMs);
      results.push({
        rate,
        load,
        latencies,
        neverSearchable: never,
        sampled: latencies.length + never,
        sustained: rateBetween(sampler.counts, steadyFrom, Math.min(t1, load.lastAccepted || t1)),
        drainS: drainedAt === 0 ? NaN : Math.max(0, (drainedAt - load.lastAccepted) / 1000),
        cpu,
        rss,
        machineBusyPct: ((m1.busy - m0.busy) / (m1.total - m0.total)) * 100,
        genCpuPct: ((g1.user + g1.system) / 1000 / (t1 - t0)) * 100,
        loadavg,
        queryMsP50: percentile(sampler.queryMs, 50),
        stages: await stageTimes(esNode, names.evidencePattern, sampler.seen).catch(() => []),
        maxLag,
        timings,
        windowS,
      });
      const r = results[results.length - 1]!;
      log(`  p50 ${fmt(percentile(latencies, 50))} ms, p99 ${fmt(percentile(latencies, 99))} ms, sustained ${fmt(r.sustained)}/s, never ${never}`);
      if (drainedAt === 0) log(`  _count never reached ${acceptedTotal} within the bound; later rates start with a backlog`);
    }

    await lag.stop();
    // Exactly-once check: evidence documents vs accepted messages over the whole run. A phase that
    // did not drain within the bound is still arriving: wait while the count keeps growing.
    const store = createEsStore(esConfigSchema.load(env));
    let finalCount = -1;
    for (let lastGrowth = Date.now(); Date.now() - lastGrowth < FINAL_STALL_MS; await sleep(1000)) {
      await store.refresh(names.evidencePattern).catch(() => undefined);
      const c = await store.count(names.evidencePattern);
      if (c > finalCount) lastGrowth = Date.now();
      finalCount = c;
      if (c >= acceptedTotal) break;
    }
    await store.close();
    report(results, watched.map((p) => p.name), acceptedTotal, finalCount);
  } finally {
    if (!interrupted) await cleanup();
  }
}

function report(results: readonly PhaseResult[], names: readonly string[], acceptedTotal: number, finalCount: number): void {
  const out: string[] = [];
  out.push(
    `\nEnd-to-end, ${INSTANCES} instance(s) per stage, ${SIZE} B messages, ${CONCURRENCY} sessions x ${PER_CONN} msgs/session, ` +
      `${SECONDS} s per rate, 1 in ${SAMPLE_EVERY} messages sampled every ${INTERVAL_MS} ms, DNS off, ` +
      `${Object.keys(EXTRA_ENV).length ? `env ${Object.entries(EXTRA_ENV).map(([k, v]) => `${k}=${v}`).join(' ')}, ` : ''}${new Date().toISOString()}\n`,
  );
  out.push('| offered /s | 250 /s | searchable /s (steady) | 4xx | broken | unsent | sampled | p50 ms | p90 ms | p99 ms | max ms | never searchable | drain s | machine CPU % | load avg (1/5/15) |');
  out.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const span = ((r.load.lastAccepted || r.load.endedAt) - r.load.startedAt) / 1000;
    out.push(
      `| ${r.rate} | ${fmt(r.load.accepted / span)} | ${fmt(r.sustained)} | ${r.load.tempFailures} | ${r.load.broken} | ${r.load.unsent} | ${r.sampled} | ` +
        `${fmt(percentile(r.latencies, 50))} | ${fmt(percentile(r.latencies, 90))} | ${fmt(percentile(r.latencies, 99))} | ${fmt(percentile(r.latencies, 100))} | ` +
        `${r.neverSearchable} | ${fmt(r.drainS, 1)} | ${fmt(r.machineBusyPct)} | ${r.loadavg} |`,
    );
  }
  out.push('\nCPU (% of one core, averaged over the load window) and RSS (MB, at its end) per process; 200 % = both cores:\n');
  out.push(`| offered /s | ${names.join(' | ')} | generator | schedule->250 p99 ms |`);
  out.push(`|---|${names.map(() => '---').join('|')}|---|---|`);
  for (const r of results) {
    out.push(`| ${r.rate} | ${names.map((n) => fmt(r.cpu.get(n) ?? NaN)).join(' | ')} | ${fmt(r.genCpuPct)} | ${fmt(percentile(r.load.dueTo250, 99))} |`);
  }
  const last = results[results.length - 1];
  if (last) out.push(`| RSS MB | ${names.map((n) => fmt((last.rss.get(n) ?? NaN) / 1048576)).join(' | ')} | | |`);
  out.push('\nWhere the time goes (sampled messages, p50 / p99 ms), from the times the stages wrote into each evidence document:\n');
  out.push('| offered /s | sink: accepted -> 250 (Kafka acks=all) | 250 -> nominator built doc (parser, enricher, nominator) | built -> searchable (bulk, refresh, probe) | max lag parser / enricher / nominator (records) |');
  out.push('|---|---|---|---|---|');
  for (const r of results) {
    const col = (k: keyof StageTimes): string => `${fmt(percentile(r.stages.map((s) => s[k]), 50))} / ${fmt(percentile(r.stages.map((s) => s[k]), 99))}`;
    const lags = ['parser', 'enricher', 'nominator'].map((st) => fmt(r.maxLag.get(st) ?? NaN)).join(' / ');
    out.push(`| ${r.rate} | ${col('sinkAckMs')} | ${col('toBuiltMs')} | ${col('toSearchableMs')} | ${lags} |`);
  }
  if (TIMED_NOMINATOR) {
    out.push('\nNominator time per call kind (--timed-nominator), over each phase from load start to drained, summed over instances:\n');
    out.push('| offered /s | call | calls | total s | ms / call | max ms (whole run) | share of window |');
    out.push('|---|---|---|---|---|---|---|');
    for (const r of results) {
      for (const [k, v] of Object.entries(r.timings).sort((x, y) => y[1].ms - x[1].ms)) {
        if (v.calls === 0) continue;
        const per = k.startsWith('handler.') ? ` (${fmt((v.records ?? 0) / v.calls)} records/batch)` : '';
        out.push(`| ${r.rate} | ${k}${per} | ${v.calls} | ${fmt(v.ms / 1000, 1)} | ${fmt(v.ms / v.calls, 1)} | ${fmt(v.maxMs)} | ${fmt((v.ms / 1000 / r.windowS) * 100)} % |`);
      }
    }
  }
  out.push(`\nEvidence documents ${finalCount}, messages accepted ${acceptedTotal} (warm-up included): ${
      finalCount === acceptedTotal ? 'exactly once' : finalCount > acceptedTotal ? 'DUPLICATES' : `MISSING ${acceptedTotal - finalCount} (count stopped growing for ${FINAL_STALL_MS / 1000} s)`
    }.`);
  const q = results.map((r) => fmt(r.queryMsP50)).join(', ');
  out.push(`Searchable-probe query p50 per rate: ${q} ms (latency resolution is the ${INTERVAL_MS} ms poll interval plus that).`);
  const ok = results.filter((r) => percentile(r.latencies, 99) <= 5000 && r.neverSearchable === 0 && r.load.tempFailures === 0 && r.sustained >= r.rate * 0.95);
  const best = ok.length ? Math.max(...ok.map((r) => r.rate)) : NaN;
  out.push(`Highest offered rate held with p99 <= 5 s, no 4xx, none lost, searchable rate >= 95 % of offered: ${fmt(best)} msgs/s.`);
  process.stdout.write(out.join('\n') + '\n');
}

main().catch((err: unknown) => {
  log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
