// Benchmark: our parseRecord (no Kafka) vs mailparser simpleParser alone, same messages, same run, interleaved reps.
// Run: taskset -c 1 npx tsx bench/parser/run.ts [--reps 5] [--window-ms 1500] [--count 200] [--with-reference]
import { simpleParser } from 'mailparser';
import { RAW_HEADERS } from '@spamtrap/contracts';
import type { IncomingRecord } from '@spamtrap/kafka';
import { createParseHandler, parserConfigSchema, parseContextFrom } from '@spamtrap/parser';
import { factsFor, makeMessages, type SizeClass } from './corpus.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}
const REPS = arg('reps', 5);
const WINDOW_MS = arg('window-ms', 1500);
const WARMUP_MS = arg('warmup-ms', 1000);
const COUNT = arg('count', 200);
/** Also time parseRecord with the simpleParser engine (a third variant perturbs the other two a little). */
const WITH_REFERENCE = process.argv.includes('--with-reference');

type Variant = { name: string; one(i: number): Promise<unknown> };

interface Window {
  msgs: number;
  wallMs: number;
  cpuMs: number;
}

/** Process messages one at a time with await (as a consumer does) for `ms`; wall and CPU time measured. */
async function runWindow(v: Variant, ms: number): Promise<Window> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < ms) {
    await v.one(n);
    n++;
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { msgs: n, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function records(msgs: Buffer[]): IncomingRecord[] {
  return msgs.map((raw, i) => ({
    topic: 'spamtrap.raw',
    partition: 0,
    offset: String(i),
    key: null,
    value: raw,
    headers: { [RAW_HEADERS.facts]: Buffer.from(JSON.stringify(factsFor(raw, i))) },
    timestamp: String(Date.UTC(2026, 10, 22)),
  }));
}

async function bench(size: SizeClass): Promise<string[]> {
  const msgs = makeMessages(size, COUNT);
  const recs = records(msgs);
  const config = parserConfigSchema.load({ PARSER_TRUSTED: '*.trap.example', PARSER_SINK_TRUST: 'sinkA=192.0.2.0/24' });
  const handler = createParseHandler(parseContextFrom(config));
  const refHandler = createParseHandler({ ...parseContextFrom(config), mailEngine: 'mailparser' });
  const variants: Variant[] = [
    { name: 'simpleParser (defaults)', one: (i) => simpleParser(msgs[i % msgs.length]!) },
    {
      name: 'parseRecord (ours)',
      one: async (i) => {
        const [out] = await handler([recs[i % recs.length]!]);
        if (out?.kind !== 'ok') throw new Error(`bench message ${i % recs.length} was not parsed: ${JSON.stringify(out)}`);
      },
    },
  ];
  if (WITH_REFERENCE) variants.push(
    {
      name: 'parseRecord, engine=mailparser (reference)',
      one: async (i) => {
        const [out] = await refHandler([recs[i % recs.length]!]);
        if (out?.kind !== 'ok') throw new Error(`bench message ${i % recs.length} was not parsed: ${JSON.stringify(out)}`);
      },
    },
  );
  // Sanity: every message parses through both before timing.
  for (let i = 0; i < msgs.length; i++) for (const v of variants) await v.one(i);
  for (const v of variants) await runWindow(v, WARMUP_MS);

  const rate: Record<string, number[]> = {};
  const cpuRate: Record<string, number[]> = {};
  const ratios: number[] = [];
  const refRatios: number[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    const order = rep % 2 === 0 ? variants : [...variants].reverse(); // alternate so drift hits every variant alike
    const got: Record<string, Window> = {};
    for (const v of order) got[v.name] = await runWindow(v, WINDOW_MS);
    for (const v of variants) {
      const w = got[v.name]!;
      (rate[v.name] ??= []).push((w.msgs / w.wallMs) * 1000);
      (cpuRate[v.name] ??= []).push((w.msgs / w.cpuMs) * 1000);
    }
    const a = got[variants[0]!.name]!;
    const b = got[variants[1]!.name]!;
    ratios.push(b.msgs / b.cpuMs / (a.msgs / a.cpuMs));
    const c = variants[2] === undefined ? undefined : got[variants[2].name];
    if (c !== undefined) refRatios.push(c.msgs / c.cpuMs / (a.msgs / a.cpuMs));
  }
  const avg = msgs.reduce((s, m) => s + m.length, 0) / msgs.length;
  const rows = variants.map((v) => {
    const r = median(rate[v.name]!);
    const c = median(cpuRate[v.name]!);
    return `| ${size} (avg ${Math.round(avg)} B) | ${v.name} | ${Math.round(r)} | ${Math.round(c)} | ${(1e6 / c).toFixed(0)} | ${Math.round(Math.min(...cpuRate[v.name]!))}–${Math.round(Math.max(...cpuRate[v.name]!))} |`;
  });
  rows.push(`| ${size} | **ratio ours / simpleParser (per CPU-second)** | | **${median(ratios).toFixed(2)}x** | | ${ratios.map((r) => r.toFixed(2)).join(' / ')} |`);
  if (refRatios.length > 0) rows.push(`| ${size} | ratio engine=mailparser / simpleParser | | ${median(refRatios).toFixed(2)}x | | ${refRatios.map((r) => r.toFixed(2)).join(' / ')} |`);
  return rows;
}

const lines = [
  `parser benchmark: ${COUNT} messages per size, ${REPS} interleaved reps of ${WINDOW_MS} ms per variant, warm-up ${WARMUP_MS} ms, node ${process.version}`,
  'msgs/s = wall-clock rate; msgs per CPU-second = messages / (user+sys CPU time of this process): the per-core figure. Goal: ratio >= 0.90x.',
  '',
  '| size | variant | msgs/s (wall, median) | msgs per CPU-s (median) | CPU µs/msg | CPU-rate range over reps |',
  '|---|---|---:|---:|---:|---:|',
];
for (const size of ['2k', '20k'] as const) lines.push(...(await bench(size)));
process.stdout.write(lines.join('\n') + '\n');
