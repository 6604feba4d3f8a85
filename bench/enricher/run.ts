// Enricher throughput: verdicts/s on one core with a warm DNS cache (enrich = DNS facts from cache + classify), plus classify alone.
//
//   npx tsx bench/enricher/run.ts [--records 5000] [--ips 1000] [--seconds 5]
//
// Prints verdicts per wall second and per CPU second of this process (the latter is the per-core
// figure when the machine is shared). Builds --records synthetic parsed records over --ips distinct peers (a mix of bots, proxies,
// relays, dynamic and static hosts, IPv4 and IPv6), serves their PTR/A/AAAA from the real UDP
// test DNS server, warms the enricher's DNS cache with one pass, then runs enrich() over the
// records for --seconds and reports verdicts/s. Node runs this on one thread, so the figure is
// per core. Also reports classify() alone and enrich()+JSON encoding (what the stage handler does).
import { newEvidenceId, type ParsedRecord, type ReceivedHop } from '@spamtrap/contracts';
import { reverseName } from '@spamtrap/ip';
import { compilePolicy, classify, type PolicyConfig } from '@spamtrap/verdict';
import { createDnsClient, enrich, type EnrichContext } from '@spamtrap/enricher';
import { TestDnsServer } from '@spamtrap/dns-zone';

function arg(name: string, def: string): number {
  const i = process.argv.indexOf(`--${name}`);
  return Number(i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : def);
}
const RECORDS = arg('records', '5000');
const IPS = arg('ips', '1000');
const SECONDS = arg('seconds', '5');

const policy: PolicyConfig = {
  ownNetworks: ['81.2.250.0/24'], allowCidrs: ['81.2.251.0/24'], allowProviderPatterns: ['*.outbound.bigmail.example'],
  trapDomains: ['trap.example'], ourHosts: ['mx1.trap.example'],
};

function ipFor(i: number): string {
  return i % 5 === 4 ? `2a01:4f8:${(i % 200).toString(16)}:${i.toString(16)}::${(i % 97) + 1}` : `81.${2 + (i >> 16)}.${(i >> 8) & 255}.${(i & 255) || 1}`;
}

function hop(over: Partial<ReceivedHop>): ReceivedHop {
  return { kind: 'relay', fromHelo: null, fromRdns: null, fromIp: null, ident: null, by: null, with: 'ESMTP', auth: false, tls: false, id: null, for: null, date: null, mta: 'postfix', note: null, ...over };
}

const HELOS = ['localhost', 'DESKTOP-8K2Q', 'trap.example', '[10.1.2.3]', 'mail.sender.example', 'gmail.com', 'relay-%.example.net'];
const ANOMALIES = [[], [], [{ code: 'EARLY_TALKER', atMs: 40 }], [{ code: 'HTTP_REQUEST', detail: 'POST / HTTP/1.0', atMs: 3 }], []];

function record(i: number): ParsedRecord {
  const ip = ipFor(i % IPS);
  const evidenceId = newEvidenceId(Date.UTC(2026, 10, 22) + i);
  const helo = HELOS[i % HELOS.length]!.replace('%', String(i % IPS));
  const hops = helo.startsWith('relay-') ? [hop({ by: helo, fromIp: `82.1.${i & 255}.9`, fromHelo: 'pc' }), hop({ by: 'pc', fromIp: '10.0.0.2' })] : [];
  return {
    v: 1, evidenceId,
    facts: {
      v: 1, evidenceId, source: 'smtp', size: 2000, sha256: 'a'.repeat(64), trusted: [],
      smtp: {
        sinkId: 's', connectionId: `c${i}`, transaction: 1, acceptedAt: '2026-11-22T10:00:00.000Z', peer: { ip, port: 40000 }, local: { ip: '127.0.0.1', port: 25 },
        proxiedBy: null, helo, heloVerb: 'EHLO', tls: null, mailFrom: i % 23 === 0 ? '' : 'a@b.example', rcptTo: ['t@trap.example'], anomalies: ANOMALIES[i % ANOMALIES.length]!,
      },
      import: null,
    },
    walk: { hops, boundary: -1, relay: { ip, helo, rdns: null, by: 'mx1.trap.example', index: -1, source: 'session', auth: false, tls: false }, reasons: [], claimedIps: [], counts: { total: hops.length, unparsed: 0, ignored: 0, truncated: 0 } },
    mail: null, issues: [], rawBase64: '', parsedAt: '2026-11-22T10:00:01.000Z',
  };
}

function ptrFor(i: number): string | null {
  const ip = ipFor(i);
  switch (i % 4) {
    case 0: return `dhcp-${ip.replace(/[.:]/g, '-')}.pool.isp.example`;
    case 1: return `mail${i}.static.example.com`;
    case 2: return null; // no PTR
    default: return `relay-${i}.example.net`;
  }
}

async function main(): Promise<void> {
  const server = await TestDnsServer.start();
  for (let i = 0; i < IPS; i++) {
    const ip = ipFor(i);
    const ptr = ptrFor(i);
    if (ptr !== null) {
      server.set(reverseName(ip)!, { PTR: [ptr] });
      server.set(ptr, ip.includes(':') ? { AAAA: [ip] } : { A: [ip] });
    }
  }
  for (const h of ['mail.sender.example', 'gmail.com']) server.set(h, { A: ['192.0.2.1'] });
  const dns = createDnsClient({ servers: [server.address], timeoutMs: 1000, tries: 1, concurrency: 64, cacheMaxEntries: 100_000, cacheMaxTtlMs: 3_600_000, negativeTtlMs: 3_600_000, failureTtlMs: 60_000, defaultTtlMs: 3_600_000 });
  const ctx: EnrichContext = { policy: compilePolicy(policy), dns, facts: { deadlineMs: 4000, maxForwardNames: 3 } };
  const recs = Array.from({ length: RECORDS }, (_, i) => record(i));

  process.stderr.write(`warming the DNS cache over ${IPS} peers...\n`);
  const w0 = Date.now();
  await Promise.all(recs.map((r) => enrich(r, ctx)));
  const warm = dns.stats();
  process.stderr.write(`warm-up: ${Date.now() - w0} ms, ${warm.queries} DNS queries, ${warm.failures} failures\n`);

  const classes = new Map<string, number>();
  async function measure(what: string, fn: (r: ParsedRecord) => unknown): Promise<number> {
    let n = 0;
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const until = t0 + BigInt(SECONDS * 1e9);
    while (process.hrtime.bigint() < until) {
      for (let i = 0; i < 500; i++) {
        const out = fn(recs[n % RECORDS]!);
        if (out instanceof Promise) await out;
        n++;
      }
    }
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    const cpuSecs = (cpu.user + cpu.system) / 1e6;
    const rate = n / secs;
    // Per CPU-second: what one core does when it is not shared (the machine may be busy; wall-clock
    // rates then understate). Includes V8's GC helper threads, so it slightly understates too.
    const perCpu = n / cpuSecs;
    const fmt = (x: number): string => Math.round(x).toLocaleString('en-US').padStart(10);
    console.log(`${what.padEnd(34)} ${fmt(rate)} verdicts/s wall  ${fmt(perCpu)} verdicts/CPU-s  (${n} in ${secs.toFixed(2)} s, ${cpuSecs.toFixed(2)} CPU-s)`);
    return rate;
  }
  for (const r of recs.slice(0, 1000)) {
    const c = classify({ parsed: r, dns: null, policy: ctx.policy }).class;
    classes.set(c, (classes.get(c) ?? 0) + 1);
  }
  console.log(`enricher benchmark: ${RECORDS} records, ${IPS} peers, warm DNS cache, 1 thread (node ${process.version})`);
  console.log(`class mix (first 1000, no DNS): ${[...classes].map(([k, v]) => `${k}=${v}`).join(' ')}`);
  await measure('classify only (DNS facts null)', (r) => classify({ parsed: r, dns: null, policy: ctx.policy }));
  await measure('enrich (cached DNS + classify)', (r) => enrich(r, ctx));
  await measure('enrich + JSON encode', async (r) => JSON.stringify(await enrich(r, ctx)));
  const after = dns.stats();
  console.log(`DNS queries during measurement: ${after.queries - warm.queries} (cache hits ${after.cacheHits - warm.cacheHits})`);
  dns.close();
  await server.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
