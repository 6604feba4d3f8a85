// The DNS client against the real UDP test server: answers, NXDOMAIN, failures, bounded timeouts, caching by TTL, coalescing.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { TestDnsServer, ptrName4 } from '@spamtrap/dns-zone';
import { createDnsClient, lookupDns, lookupDnsFacts, type DnsClientOptions } from '../src/index.js';

const server = await TestDnsServer.start({
  [ptrName4('81.2.69.160')]: { PTR: ['host.example.test'] },
  'host.example.test': { A: ['81.2.69.160'], ttl: 1 },
  'helo.example.test': { A: ['81.2.69.160'], AAAA: ['2001:db8::1'] },
  [ptrName4('81.2.69.161')]: { rcode: 'SERVFAIL' },
  [ptrName4('81.2.69.162')]: { drop: true },
  [ptrName4('81.2.69.163')]: { PTR: ['slow.example.test'], delayMs: 200 },
});
after(() => server.close());

function client(over: Partial<DnsClientOptions> = {}): ReturnType<typeof createDnsClient> {
  return createDnsClient({
    servers: [server.address], timeoutMs: 300, tries: 1, concurrency: 4, cacheMaxEntries: 1000, cacheMaxTtlMs: 60_000,
    negativeTtlMs: 60_000, failureTtlMs: 0, defaultTtlMs: 60_000, ...over,
  });
}

test('PTR and forward confirmation; the second lookup is served from the cache', async () => {
  const dns = client();
  server.clearLog();
  const f = await lookupDnsFacts('81.2.69.160', 'helo.example.test', dns, { deadlineMs: 2000, maxForwardNames: 3 });
  assert.deepEqual(f, { ptr: ['host.example.test'], fcrdns: 'host.example.test', heloAddresses: ['2001:db8::1', '81.2.69.160'], errors: {} });
  const g = await lookupDnsFacts('81.2.69.160', 'helo.example.test', dns, { deadlineMs: 2000, maxForwardNames: 3 });
  assert.deepEqual(g, f);
  assert.equal(server.count(ptrName4('81.2.69.160'), 'PTR'), 1);
  assert.equal(server.count('helo.example.test', 'A'), 1);
  assert.ok(dns.stats().cacheHits >= 4);
  dns.close();
});

test('a record TTL is honoured: after it expires the name is asked again', async () => {
  const dns = client();
  server.clearLog();
  await dns.addresses('host.example.test', 4);
  await dns.addresses('host.example.test', 4);
  assert.equal(server.count('host.example.test', 'A'), 1);
  await new Promise((r) => setTimeout(r, 1100));
  await dns.addresses('host.example.test', 4);
  assert.equal(server.count('host.example.test', 'A'), 2);
  dns.close();
});

test('NXDOMAIN is an answer and is cached negatively', async () => {
  const dns = client();
  server.clearLog();
  assert.deepEqual(await dns.ptr('81.2.69.200'), { ok: true, value: [] });
  assert.deepEqual(await dns.ptr('81.2.69.200'), { ok: true, value: [] });
  assert.equal(server.count(ptrName4('81.2.69.200')), 1);
  dns.close();
});

test('SERVFAIL and silence are failures, bounded by the timeout; failures are not cached with failureTtl 0', async () => {
  const dns = client();
  server.clearLog();
  assert.deepEqual(await dns.ptr('81.2.69.161'), { ok: false, error: 'SERVFAIL' });
  assert.deepEqual(await dns.ptr('81.2.69.161'), { ok: false, error: 'SERVFAIL' });
  assert.equal(server.count(ptrName4('81.2.69.161')), 2);
  const t0 = Date.now();
  assert.deepEqual(await dns.ptr('81.2.69.162'), { ok: false, error: 'TIMEOUT' });
  assert.ok(Date.now() - t0 < 2000, `timeout took ${Date.now() - t0} ms`);
  dns.close();
});

test('concurrent identical lookups are coalesced into one query', async () => {
  const dns = client();
  server.clearLog();
  const all = await Promise.all(Array.from({ length: 10 }, () => dns.ptr('81.2.69.163')));
  for (const r of all) assert.deepEqual(r, { ok: true, value: ['slow.example.test'] });
  assert.equal(server.count(ptrName4('81.2.69.163')), 1);
  assert.equal(dns.stats().coalesced, 9);
  dns.close();
});

test('the per-message deadline cuts a slow lookup short', async () => {
  const dns = client({ timeoutMs: 5000 });
  const t0 = Date.now();
  const f = await lookupDnsFacts('81.2.69.162', null, dns, { deadlineMs: 250, maxForwardNames: 3 });
  assert.ok(Date.now() - t0 < 1000);
  assert.deepEqual(f.errors, { ptr: 'DEADLINE' });
  dns.close();
});

test('DNS allow-list zones: listed, not listed, error answer and SERVFAIL', async () => {
  const dns = client();
  server.set('160.69.2.81.wl.example.test', { A: ['127.0.10.2'] });
  server.set('161.69.2.81.wl.example.test', { A: ['127.0.0.255'] });
  server.set('162.69.2.81.wl.example.test', { rcode: 'SERVFAIL' });
  const opts = { deadlineMs: 2000, maxForwardNames: 1, allowZones: ['wl.example.test'] };
  const listed = await lookupDns('81.2.69.160', null, dns, opts);
  assert.deepEqual(listed.allowlistHits, [{ zone: 'wl.example.test', answer: '127.0.10.2' }]);
  const errorAnswer = await lookupDns('81.2.69.161', null, dns, opts);
  assert.deepEqual([errorAnswer.allowlistHits, errorAnswer.facts.errors['allowlist:wl.example.test']], [[], 'ERROR_ANSWER 127.0.0.255']);
  const servfail = await lookupDns('81.2.69.162', null, dns, opts);
  assert.equal(servfail.facts.errors['allowlist:wl.example.test'], 'SERVFAIL');
  const clean = await lookupDns('81.2.69.170', null, dns, opts);
  assert.deepEqual([clean.allowlistHits, clean.facts.errors], [[], {}]);
  assert.equal(server.count('170.69.2.81.wl.example.test', 'A'), 1);
  dns.close();
});

test('warm-cache facts (no timers, no queries) equal the cold facts, failures and allow-lists included', async () => {
  const dns = client({ failureTtlMs: 60_000 });
  server.set('160.69.2.81.wl2.example.test', { A: ['127.0.10.2'] });
  server.set('bad-helo.example.test', { rcode: 'SERVFAIL' });
  const opts = { deadlineMs: 2000, maxForwardNames: 2, allowZones: ['wl2.example.test', 'wl.example.test'] };
  for (const [ip, helo] of [['81.2.69.160', 'helo.example.test'], ['81.2.69.161', 'bad-helo.example.test'], ['81.2.69.199', null]] as const) {
    const cold = await lookupDns(ip, helo, dns, opts);
    server.clearLog();
    const warm = await lookupDns(ip, helo, dns, opts);
    assert.deepEqual(warm, cold, ip);
    assert.equal(server.queries.length, 0, `${ip}: ${JSON.stringify(server.queries)}`);
  }
  dns.close();
});

test('IPv6 peers: PTR via ip6.arpa and AAAA forward confirmation', async () => {
  const { reverseName } = await import('@spamtrap/ip');
  const dns = client();
  server.set(reverseName('2a01:4f8:1:2::abcd')!, { PTR: ['v6host.example.test'] });
  server.set('v6host.example.test', { AAAA: ['2a01:04f8:0001:0002:0000:0000:0000:abcd'] });
  const f = await lookupDnsFacts('2A01:4F8:1:2::ABCD', null, dns, { deadlineMs: 2000, maxForwardNames: 3 });
  assert.deepEqual(f, { ptr: ['v6host.example.test'], fcrdns: 'v6host.example.test', heloAddresses: null, errors: {} });
  dns.close();
});
