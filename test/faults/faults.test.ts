// Faults under sustained load: SIGKILL each service in turn, stop Kafka, Elasticsearch and Redis for a while;
// afterwards every message that got a 250 is searchable in Elasticsearch exactly once and no probe job is duplicated.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { scenarios, sendRaw, DEMO_MX, DEMO_TRAP_DOMAIN } from '@spamtrap/cli/samples';
import { REPO_ROOT, Supervisor, type ProcessSpec } from '@spamtrap/cli/pipeline';
import { prefixedTopics } from '@spamtrap/contracts';
import { createEsStore, esConfigSchema } from '@spamtrap/es';
import { indexNames } from '@spamtrap/es-schema';
import { createKafka, kafkaConfigSchema, pipelineTopicSpecs } from '@spamtrap/kafka';
import { managedComponent, stackSchema, startComponent, stopComponent, type ComponentName } from '@spamtrap/stack';
import { pipelineEnv } from '../support/pipeline-env.js';
import { randomPrefix, waitFor } from '../support/pipeline.js';

/** Parallel SMTP clients keeping the pipeline under sustained load (one message per session). */
const LOAD_CLIENTS = 6;
/** How long each infrastructure component stays down. */
const OUTAGE_MS = 8_000;
/** After the load stops, how long every accepted message may take to become searchable. */
const CONVERGE_MS = 300_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('faults under load', { timeout: 900_000 }, () => {
  const prefix = randomPrefix('faults');
  const home = mkdtempSync(join(tmpdir(), 'spamtrap-faults-'));
  const sup = new Supervisor(home);
  const accepted = new Set<string>();
  const replies = { ok: 0, temp: 0, other: 0, refused: 0 };
  let env: Record<string, string> = {};
  let specs: ProcessSpec[] = [];
  let loading = true;
  let failed = false;
  /** The last lines of every service log, for failure messages (CI keeps only stdout). */
  const logTails = (): string =>
    specs.map((s) => {
      let text = '';
      try {
        text = readFileSync(join(sup.logDir, `${s.id}.log`), 'utf8');
      } catch {
        text = '(no log)';
      }
      return `--- ${s.id}\n${text.trimEnd().split('\n').slice(-6).map((l) => l.slice(0, 300)).join('\n')}`;
    }).join('\n');
  let load: Promise<void>[] = [];
  const infraDone: string[] = [];

  before(async () => {
    const port = await freePort();
    env = pipelineEnv({ prefix, trapDomains: [DEMO_TRAP_DOMAIN], ourHosts: [DEMO_MX], dnsServer: null, sinkListen: `127.0.0.1:${port}` });
    const admin = createKafka(kafkaConfigSchema.load(env)).createAdmin();
    await admin.ensureTopics(pipelineTopicSpecs(prefixedTopics(prefix)));
    await admin.close();
    const entry = (s: string): string => join(REPO_ROOT, 'services', s, 'src', 'main.ts');
    specs = (['nominator', 'enricher', 'parser', 'smtp-sink'] as const).map((s) => ({ id: s, service: s, entry: entry(s), env }));
    for (const spec of specs) await sup.start(spec);
    await waitFor('the sink to greet', async () => ((await sendProbe(port)) ? true : undefined), 60_000);

    // Sustained load: each client sends the scenarios over and over, one message per session.
    const shapes = scenarios(1).filter((s) => s.name !== 'reserved-range');
    let n = 0;
    load = Array.from({ length: LOAD_CLIENTS }, async () => {
      while (loading) {
        const s = shapes[n++ % shapes.length]!;
        const message = s.message.replace(/Message-ID: <[^>]*>/, `Message-ID: <fault-${n}-${Date.now()}@load.example>`);
        try {
          const r = await sendRaw({ host: '127.0.0.1', port, proxyFrom: s.peerIp, helo: s.helo, mailFrom: s.mailFrom, rcptTo: s.rcptTo, message, timeoutMs: 30_000 });
          const code = r.dataReply?.code ?? 0;
          if (r.accepted) {
            replies.ok++;
            const id = /queued as (\S+)/.exec(r.dataReply?.text ?? '')?.[1];
            assert.ok(id, `a 250 without an evidence id: ${r.dataReply?.text}`);
            accepted.add(id);
          } else if (code >= 400 && code < 500) replies.temp++;
          else replies.other++;
        } catch {
          replies.refused++; // the sink is down (killed): the client retries later, as a real MTA would
          await sleep(200);
        }
      }
    });
  });

  after(async () => {
    loading = false;
    await Promise.allSettled(load);
    await sup.stop(undefined, 30_000);
    const store = createEsStore(esConfigSchema.load(env));
    await store.deleteIndices(`${prefix}-*`).catch(() => undefined);
    await store.close();
    const admin = createKafka(kafkaConfigSchema.load(env)).createAdmin();
    await admin.deleteTopics(Object.values(prefixedTopics(prefix))).catch(() => undefined);
    await admin.close();
    // BullMQ does not close a connection it was given: quit it ourselves or the test process never exits.
    const conn = new Redis(env['REDIS_URL']!, { maxRetriesPerRequest: null });
    const q = new Queue('probe', { prefix, connection: conn });
    await q.obliterate({ force: true }).catch(() => undefined);
    await q.close();
    await conn.quit();
    // Logs stay on failure, for whoever reads the CI output next.
    if (!failed) rmSync(home, { recursive: true, force: true });
  });

  test('SIGKILL of each service in turn, then restart', async () => {
    for (const spec of specs) {
      const before = accepted.size;
      await sleep(3_000);
      assert.ok(await sup.kill(spec.id), `${spec.id} was running`);
      await sleep(2_000);
      await sup.start(spec);
      await sleep(3_000);
      // The pipeline keeps taking mail once the killed process is back.
      await waitFor(`250s after restarting ${spec.id}`, () => Promise.resolve(accepted.size > before ? true : undefined), 60_000);
    }
  });

  test('Kafka, Elasticsearch and Redis stopped for a while and brought back', async (t) => {
    const cfg = stackSchema.load(process.env);
    for (const name of ['kafka', 'elasticsearch', 'redis'] as ComponentName[]) {
      if ((await managedComponent(cfg, name)) === null) {
        t.diagnostic(`${name}: not started by \`spamtrap stack\` here, so not ours to stop`);
        continue;
      }
      const before = accepted.size;
      await stopComponent(cfg, name);
      await sleep(OUTAGE_MS);
      await startComponent(cfg, name);
      infraDone.push(name);
      await waitFor(`250s after ${name} came back`, () => Promise.resolve(accepted.size > before ? true : undefined), 120_000);
    }
    if (infraDone.length === 0) t.skip('no stack component was started by `spamtrap stack` (run through scripts/test-all.sh)');
  });

  test('every 250 is searchable exactly once; no duplicate probe job', async (t) => {
    await sleep(3_000);
    loading = false;
    await Promise.allSettled(load);
    t.diagnostic(`replies: ${JSON.stringify(replies)}; accepted ${accepted.size}; infra faults: ${infraDone.join(', ') || 'none'}`);
    assert.ok(accepted.size > 50, `enough load went through (${accepted.size})`);
    const store = createEsStore(esConfigSchema.load(env));
    const names = indexNames(prefix);
    const ids = [...accepted];
    try {
      const missing = await waitFor(
        'every accepted message in Elasticsearch',
        async () => {
          await store.refresh(names.evidencePattern).catch(() => undefined);
          let found = 0;
          for (let i = 0; i < ids.length; i += 1000) {
            found += await store.count(names.evidencePattern, { ids: { values: ids.slice(i, i + 1000) } });
          }
          return found === ids.length ? 0 : undefined;
        },
        CONVERGE_MS,
        2_000,
      ).catch((err: unknown) => {
        failed = true;
        throw new Error(`${(err as Error).message}\nservice logs under ${home}:\n${logTails()}`);
      });
      assert.equal(missing, 0);
      // Exactly once: one document per evidence id (the _id), none twice across the monthly indices.
      const perId = await store.search(names.evidencePattern, {
        size: 0,
        query: { ids: { values: ids.slice(0, 10_000) } },
        aggs: { dup: { terms: { field: 'event.id', min_doc_count: 2, size: 10 } } },
      });
      const dupBuckets = (perId.aggregations?.['dup'] as { buckets?: unknown[] } | undefined)?.buckets ?? [];
      assert.equal(dupBuckets.length, 0, `evidence ids indexed twice: ${JSON.stringify(dupBuckets)}`);
    } finally {
      await store.close();
    }
    // Probe jobs: at most one per (kind, IP) within the test's single cool-down window.
    const conn = new Redis(env['REDIS_URL']!, { maxRetriesPerRequest: null });
    const q = new Queue('probe', { prefix, connection: conn });
    try {
      const jobs = await q.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed', 'prioritized']);
      const seen = new Map<string, number>();
      for (const j of jobs) {
        const data = j.data as { ip: string; kind: string };
        const k = `${data.kind} ${data.ip}`;
        seen.set(k, (seen.get(k) ?? 0) + 1);
      }
      assert.ok(jobs.length >= 1, 'the relay and proxy samples produced probe jobs');
      for (const [k, c] of seen) assert.equal(c, 1, `probe job for ${k} duplicated`);
    } finally {
      await q.close();
      await conn.quit();
    }
  });
});

async function sendProbe(port: number): Promise<boolean> {
  try {
    // Loopback is a trusted PROXY front for this sink, so even the readiness probe sends a PROXY header.
    const r = await sendRaw({ host: '127.0.0.1', port, proxyFrom: '192.0.2.1', helo: 'probe.example', mailFrom: 'x@probe.example', rcptTo: [], message: '', timeoutMs: 3_000 });
    return r.replies[0]?.code === 220;
  } catch {
    return false;
  }
}
