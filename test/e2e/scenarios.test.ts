// End to end on the local stack: real SMTP into the sink -> Kafka -> parser -> enricher -> nominator -> ES + probe queue.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { scenarios, DEMO_MX, DEMO_TRAP_DOMAIN, sendRaw, zoneFor, type Scenario } from '@spamtrap/cli/samples';
import { probeJobIdFor } from '@spamtrap/nominator';
import { TestDnsServer } from '@spamtrap/dns-zone';
import { startPipeline, waitFor, type RunningPipeline } from '../support/pipeline.js';

interface EvidenceHit {
  id: string;
  source: {
    '@timestamp'?: string;
    source?: { ip?: string };
    spamtrap?: { verdict?: { class?: string; reasons?: string[] }; nomination?: { key?: string; probe?: string | null } | null; smtp?: { anomalies?: string[] } };
  };
}

/** The queue's default cool-down (PROBE_COOLDOWN_SECONDS): job ids carry the window index. */
const COOLDOWN_MS = 86_400_000;

describe('pipeline end to end', { timeout: 240_000 }, () => {
  let dns: TestDnsServer;
  let pipe: RunningPipeline;
  const list = scenarios(Date.now());
  const accepted = new Map<string, boolean>();

  before(async () => {
    dns = await TestDnsServer.start(zoneFor(list));
    pipe = await startPipeline({ trapDomains: [DEMO_TRAP_DOMAIN], ourHosts: [DEMO_MX], dnsServer: `127.0.0.1:${dns.port}` });
    for (const s of list) {
      const r = await sendRaw({ host: pipe.sink.host, port: pipe.sink.port, proxyFrom: s.peerIp, ...s });
      accepted.set(s.name, r.accepted);
    }
  });

  after(async () => {
    await pipe?.stop();
    await dns?.close();
  });

  async function evidenceFor(s: Scenario): Promise<EvidenceHit> {
    return waitFor(`evidence for ${s.name}`, async () => {
      const r = await pipe.store.search(pipe.evidencePattern, { query: { term: { 'source.ip': s.peerIp } }, size: 5 });
      const first = r.hits[0];
      return first === undefined ? undefined : { id: first.id, source: first.source };
    }, 90_000);
  }

  test('every message the sink answered 250 for is searchable exactly once', async () => {
    const want = [...accepted.values()].filter(Boolean).length;
    assert.ok(want >= list.length - 1, `sink accepted ${want} of ${list.length}`);
    const total = await waitFor('all evidence', async () => {
      await pipe.store.refresh(pipe.evidencePattern).catch(() => undefined);
      const n = await pipe.store.count(pipe.evidencePattern, { term: { 'event.dataset': 'spamtrap.evidence' } });
      return n >= want ? n : undefined;
    }, 120_000);
    assert.equal(total, want);
  });

  for (const s of scenarios(0)) {
    test(`${s.name}: ${s.about}`, async () => {
      if (!accepted.get(s.name)) {
        assert.fail(`the sink did not accept the ${s.name} message`);
      }
      const hit = await evidenceFor(s);
      const v = hit.source.spamtrap?.verdict;
      const nomination = hit.source.spamtrap?.nomination ?? null;
      if (s.expect.classes.length > 0) assert.ok(s.expect.classes.includes(v?.class ?? ''), `class ${v?.class} not in ${s.expect.classes.join('|')}; reasons ${v?.reasons?.join(',')}`);
      assert.equal(nomination !== null, s.expect.nominated, `nomination ${JSON.stringify(nomination)}; reasons ${v?.reasons?.join(',')}`);
      if (nomination) assert.equal(nomination.key, s.peerIp);
      if (s.preamble !== undefined) {
        // Forwarded by an open HTTP proxy: the sink took the message and kept the request as evidence.
        assert.ok(hit.source.spamtrap?.smtp?.anomalies?.includes('HTTP_REQUEST'), `anomalies ${hit.source.spamtrap?.smtp?.anomalies?.join(',')}`);
        assert.ok(v?.reasons?.includes('HTTP_BEFORE_HELO'), `reasons ${v?.reasons?.join(',')}`);
      }
      for (const victim of s.expect.neverNominated ?? []) {
        const n = await pipe.store.get(pipe.nominationsIndex, victim);
        assert.equal(n.found, false, `${victim} must never be nominated`);
      }
      assert.equal(nomination?.probe ?? null, s.expect.probe, 'probe kind on the evidence');
      const probe = s.expect.probe;
      if (probe !== null) {
        const jobId = probeJobIdFor(probe, s.peerIp, Date.parse(hit.source['@timestamp'] ?? ''), COOLDOWN_MS);
        const job = await waitFor(`probe job ${jobId}`, async () => (await pipe.queue.getJob(jobId)) ?? undefined);
        assert.equal(job.data.ip, s.peerIp);
        assert.equal(job.data.kind, probe);
        assert.ok(job.data.evidenceIds.includes(hit.id), 'the job names the evidence');
      }
      if (s.expect.nominated) {
        const n = await waitFor(`nomination of ${s.peerIp}`, async () => {
          const g = await pipe.store.get(pipe.nominationsIndex, s.peerIp);
          return g.found ? g : undefined;
        });
        assert.equal(n.found, true);
      }
    });
  }
});
