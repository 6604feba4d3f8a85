// Nominator throughput: evidence-document building (pure) and the verdict batch handler against the real Elasticsearch.
//
//   npx tsx bench/nominator/run.ts [--build 20000] [--records 5000] [--batches 100,500] [--keys-per-batch 0.1]
//
// Part 1 builds --build evidence documents (redaction included) from varied verdicts, CPU only.
// Part 2 feeds --records verdicts through createVerdictHandler in batches (ES bulk with
// refresh=wait_for, nomination views by aggregation, versioned nomination writes; probe jobs go to
// the in-memory queue so Redis is not measured) with --keys-per-batch distinct nomination keys per
// record. Needs ES_NODE (default http://127.0.0.1:9200). Indices bench-nom-<random>-* are deleted.
import { randomUUID } from 'node:crypto';
import { encodeJson } from '@spamtrap/contracts';
import { createEsStore, esConfigSchema } from '@spamtrap/es';
import { buildEvidenceDoc, buildTemplates, indexNames } from '@spamtrap/es-schema';
import { verdictFixture } from '@spamtrap/es-schema/testing';
import type { IncomingRecord } from '@spamtrap/kafka';
import { silentLogger } from '@spamtrap/logging';
import { MemoryProbeQueue } from '@spamtrap/queue';
import { aggregationViews, createVerdictHandler } from '@spamtrap/nominator';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : def;
}
const BUILD = Number(arg('build', '20000'));
const RECORDS = Number(arg('records', '5000'));
const BATCHES = arg('batches', '100,500').split(',').map(Number);
const KEYS_PER_RECORD = Number(arg('keys-per-batch', '0.1'));
const PREFIX = `bench-nom-${randomUUID().slice(0, 8)}`;

const evidenceId = (n: number): string => `019a0000-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;

function verdict(n: number, keys: number): ReturnType<typeof verdictFixture> {
  const k = n % keys;
  return verdictFixture({
    evidenceId: evidenceId(n),
    peerIp: `198.51.${(k >> 8) & 255}.${k & 255}`,
    trap: `trap${n % 50}@traps.example.org`,
    subject: `Offer ${n} for trap${n % 50}@traps.example.org`,
    urls: [`https://t.example/u?e=${Buffer.from(`trap${n % 50}@traps.example.org`).toString('base64')}`, `https://shop${n % 7}.example/p/${n}`],
    acceptedAt: new Date(Date.UTC(2026, 10, 20) + n * 1000).toISOString(),
    helo: `host-${k}.dyn.example`,
  });
}

function part1(): void {
  const vs = Array.from({ length: Math.min(BUILD, 2000) }, (_, n) => verdict(n, 500));
  let bytes = 0;
  for (let i = 0; i < 500; i++) buildEvidenceDoc(vs[i % vs.length]!, { prefix: 'b' }); // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < BUILD; i++) bytes += JSON.stringify(buildEvidenceDoc(vs[i % vs.length]!, { prefix: 'b' }).doc).length;
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log('| part | docs | seconds | docs/s | avg doc bytes |');
  console.log('|---|---|---|---|---|');
  console.log(`| build evidence doc | ${BUILD} | ${s.toFixed(2)} | ${Math.round(BUILD / s)} | ${Math.round(bytes / BUILD)} |`);
}

async function part2(): Promise<void> {
  const store = createEsStore(esConfigSchema.load());
  const names = indexNames(PREFIX);
  const templates = buildTemplates({ prefix: PREFIX });
  await store.installTemplates(templates);
  console.log('\n| batch | records | keys | seconds | records/s |');
  console.log('|---|---|---|---|---|');
  try {
    let base = 0;
    for (const batch of BATCHES) {
      const keys = Math.max(1, Math.round(RECORDS * KEYS_PER_RECORD));
      const handler = createVerdictHandler(
        { prefix: PREFIX, redactionSecret: '', trapDomains: [], storeRaw: true, bulk: { maxDocs: 500, maxBytes: 5 << 20, maxWaitMs: 0 }, probeEnabled: true, probeCooldownMs: 86_400_000, probeMaxEvidenceAgeMs: 3650 * 86_400_000 },
        { store, computeViews: aggregationViews(store, names.evidencePattern), queue: new MemoryProbeQueue({ ratePerSec: 1e6, burst: 1e6 }), log: silentLogger() },
      );
      const records: IncomingRecord[] = Array.from({ length: RECORDS }, (_, i) => ({
        topic: 'v', partition: 0, offset: String(i), key: null, value: encodeJson(verdict(base + i, keys)), headers: {}, timestamp: '0',
      }));
      base += RECORDS;
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < records.length; i += batch) {
        const out = await handler(records.slice(i, i + batch));
        if (out.some((o) => o.kind !== 'ok')) throw new Error('bench: unexpected DLQ outcome');
      }
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      console.log(`| ${batch} | ${RECORDS} | ${keys} | ${s.toFixed(2)} | ${Math.round(RECORDS / s)} |`);
    }
  } finally {
    await store.deleteIndices(`${PREFIX}-*`);
    await store.deleteTemplates(templates);
    await store.close();
  }
}

part1();
await part2();
