// Elasticsearch bulk throughput: docs/s for ~2 KB documents at several batch sizes through @spamtrap/es bulkWrite.
//
//   npx tsx bench/es/run.ts [--docs 20000] [--batches 200,1000] [--concurrency 1,2] [--reps 3]
//
// Needs Elasticsearch at ES_NODE (default http://127.0.0.1:9200). Each cell writes --docs documents
// with `create` (deterministic ids, like evidence) into a fresh index (1 shard, 0 replicas, strict
// mapping, default 1 s refresh), with --concurrency bulk requests in flight. A warm-up cell runs
// first and is not reported. Figures are medians over reps. Prints a Markdown table on stdout;
// progress goes to stderr. Indices are named bench-es-<random>-* and deleted afterwards.
import { randomBytes, randomUUID } from 'node:crypto';
import { createEsStore, esConfigSchema, type BulkOp, type EsStore } from '@spamtrap/es';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : def;
}
const DOCS = Number(arg('docs', '20000'));
const BATCHES = arg('batches', '200,1000').split(',').map(Number);
const CONCURRENCY = arg('concurrency', '1,2').split(',').map(Number);
const REPS = Number(arg('reps', '3'));
const PREFIX = `bench-es-${randomUUID().slice(0, 8)}-`;

const MAPPING = {
  dynamic: 'strict',
  properties: {
    '@timestamp': { type: 'date' },
    source: { properties: { ip: { type: 'ip' }, port: { type: 'long' } } },
    email: { properties: { subject: { type: 'keyword' }, message_id: { type: 'keyword' }, from: { properties: { address: { type: 'keyword' } } } } },
    spamtrap: { properties: { helo: { type: 'keyword' }, reasons: { type: 'keyword' }, body_excerpt: { type: 'text' } } },
  },
};

/** ~2 KB JSON per document: a few keyword fields plus a text excerpt (base64 noise, so no compression tricks). */
function makeDoc(n: number): Record<string, unknown> {
  return {
    '@timestamp': new Date(Date.UTC(2026, 10, 22) + n * 1000).toISOString(),
    source: { ip: `198.51.${(n >> 8) & 255}.${n & 255}`, port: 1024 + (n % 60000) },
    email: { subject: `Cheap offer number ${n}`, message_id: `<${n}.${randomBytes(6).toString('hex')}@spam.example>`, from: { address: `sender${n % 977}@spam.example` } },
    spamtrap: { helo: `host-${n % 4099}.dyn.example`, reasons: ['RDNS_EMBEDS_IP', 'HELO_FORGED_AS_TRAP_DOMAIN'], body_excerpt: randomBytes(1350).toString('base64') },
  };
}

type Cell = { batch: number; conc: number; seconds: number; docsPerSec: number; mbPerSec: number; p50: number; p99: number; failed: number };

async function runCell(es: EsStore, index: string, batch: number, conc: number, docs: number): Promise<Cell> {
  await es.ensureIndex(index, { settings: { number_of_shards: 1, number_of_replicas: 0 }, mappings: MAPPING });
  const ops: BulkOp[] = Array.from({ length: docs }, (_, n) => ({ op: 'create', index, id: `d${n}`, doc: makeDoc(n) }));
  const bytes = ops.reduce((s, o) => s + (o.op === 'create' ? JSON.stringify(o.doc).length : 0), 0);
  const batches: BulkOp[][] = [];
  for (let i = 0; i < ops.length; i += batch) batches.push(ops.slice(i, i + batch));
  const lat: number[] = [];
  let failed = 0;
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: conc }, async () => {
      while (next < batches.length) {
        const b = batches[next++]!;
        const t0 = process.hrtime.bigint();
        const res = await es.bulkWrite(b);
        lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
        failed += res.filter((r) => !r.ok).length;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  lat.sort((a, b) => a - b);
  const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? 0;
  await es.deleteIndices(index);
  return { batch, conc, seconds, docsPerSec: docs / seconds, mbPerSec: bytes / seconds / 1e6, p50: pct(0.5), p99: pct(0.99), failed };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function main(): Promise<void> {
  const es = createEsStore(esConfigSchema.load());
  const h = await es.health();
  if (!h.ok) throw new Error(`Elasticsearch not ready: ${h.status} ${h.detail ?? ''}`);
  try {
    process.stderr.write(`warm-up (${Math.min(DOCS, 5000)} docs)\n`);
    await runCell(es, `${PREFIX}warmup`, 500, 1, Math.min(DOCS, 5000));
    const rows: string[] = [];
    let k = 0;
    for (const batch of BATCHES) {
      for (const conc of CONCURRENCY) {
        const cells: Cell[] = [];
        for (let r = 0; r < REPS; r++) {
          const c = await runCell(es, `${PREFIX}${k++}`, batch, conc, DOCS);
          process.stderr.write(`batch ${batch} conc ${conc} rep ${r}: ${c.docsPerSec.toFixed(0)} docs/s, p50 ${c.p50.toFixed(0)} ms, failed ${c.failed}\n`);
          cells.push(c);
        }
        const failed = cells.reduce((s, c) => s + c.failed, 0);
        rows.push(
          `| ${batch} | ${conc} | ${DOCS} | ${median(cells.map((c) => c.docsPerSec)).toFixed(0)} | ${median(cells.map((c) => c.mbPerSec)).toFixed(1)} | ${median(cells.map((c) => c.p50)).toFixed(0)} | ${median(cells.map((c) => c.p99)).toFixed(0)} | ${failed} |`,
        );
      }
    }
    const docBytes = JSON.stringify(makeDoc(1)).length;
    process.stdout.write(`\nES bulk throughput (${docBytes}-byte docs, create with ids, median of ${REPS})\n\n`);
    process.stdout.write('| batch | in flight | docs | docs/s | MB/s | bulk p50 ms | bulk p99 ms | failed items |\n|---|---|---|---|---|---|---|---|\n');
    process.stdout.write(rows.join('\n') + '\n');
  } finally {
    await es.deleteIndices(`${PREFIX}*`);
    await es.close();
  }
}

await main();
