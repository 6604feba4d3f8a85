// Classifier scenarios: one message per class, built from facts we write, with the reasons behind each verdict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify, REASON_CODES, type PolicyConfig } from '../src/index.js';
import { dns, hop, importRecord, mail, smtpRecord } from './build.js';

const policy: PolicyConfig = {
  ownNetworks: ['81.2.70.0/24'],
  allowCidrs: ['81.2.71.0/24'],
  allowProviderPatterns: ['*.outbound.bigmail.example'],
  trapDomains: ['trap.example'],
  ourHosts: ['mx1.trap.example'],
};
const IP = '81.2.69.160';
const codes = (r: { reasons: { code: string }[] }): string[] => r.reasons.map((x) => x.code);

test('HTTP lines before HELO -> open_proxy_suspect with a proxy probe', () => {
  const parsed = smtpRecord({ ip: IP, helo: '[10.9.8.7]', anomalies: [{ code: 'HTTP_REQUEST', detail: 'POST / HTTP/1.0', atMs: 5 }] });
  const v = classify({ parsed, dns: dns({ ptr: [] }), policy });
  assert.equal(v.class, 'open_proxy_suspect');
  assert.deepEqual(v.nomination, { ip: IP, key: IP, probe: 'proxy' });
  assert.ok(codes(v).includes('HTTP_BEFORE_HELO'));
  assert.ok(codes(v).includes('HELO_IP_LITERAL_MISMATCH'));
  assert.ok(v.confidence > 0.8);
});

test('connecting MTA names a third party in its own header -> open_relay_suspect with a relay probe', () => {
  const hops = [hop({ by: 'mail.relay.example.net', fromIp: '203.0.114.9', fromHelo: 'spammer', with: 'SMTP' })];
  const parsed = smtpRecord({ ip: IP, helo: 'mail.relay.example.net', hops });
  const v = classify({ parsed, dns: dns({ ptr: ['mail.relay.example.net'], fcrdns: 'mail.relay.example.net', heloAddresses: [IP] }), policy });
  assert.equal(v.class, 'open_relay_suspect');
  assert.equal(v.nomination?.probe, 'relay');
  const handoff = v.reasons.find((r) => r.code === 'THIRD_PARTY_HANDOFF');
  assert.equal(handoff?.detail?.['fromIp'], '203.0.114.9');
  assert.equal(handoff?.hop, 0);
  assert.ok(codes(v).includes('FCRDNS_PASS'));
});

test('a header the connecting host did not write cannot make it a relay', () => {
  const hops = [hop({ by: 'mx.somewhere-else.example', fromIp: '203.0.114.9' })];
  const v = classify({ parsed: smtpRecord({ ip: IP, helo: 'mail.relay.example.net', hops }), dns: dns({ ptr: ['mail.relay.example.net'], fcrdns: 'mail.relay.example.net' }), policy });
  assert.notEqual(v.class, 'open_relay_suspect');
  assert.ok(codes(v).includes('NO_HEADER_FROM_CONNECTING_HOST'));
  assert.ok(!codes(v).includes('THIRD_PARTY_HANDOFF'));
});

test('localhost HELO + pre-greeting talk from a dynamic name -> direct_bot, nominated without probe', () => {
  const parsed = smtpRecord({ ip: IP, helo: 'localhost.localdomain', anomalies: [{ code: 'EARLY_TALKER', atMs: 100 }] });
  const v = classify({ parsed, dns: dns({ ptr: ['dhcp-81-2-69-160.isp.example'], fcrdns: 'dhcp-81-2-69-160.isp.example' }), policy });
  assert.equal(v.class, 'direct_bot');
  assert.deepEqual(v.nomination, { ip: IP, key: IP, probe: null });
  for (const c of ['HELO_LOCALHOST', 'EARLY_TALKER', 'RDNS_DYNAMIC_TOKEN', 'RDNS_EMBEDS_IP']) assert.ok(codes(v).includes(c), c);
});

test('dynamic rDNS alone -> dynamic_ip; a static hint lowers the confidence', () => {
  const parsed = smtpRecord({ ip: IP, helo: 'mail.sender.example' });
  const dyn = classify({ parsed, dns: dns({ ptr: ['81-2-69-160.pool.isp.example'], fcrdns: '81-2-69-160.pool.isp.example' }), policy });
  assert.equal(dyn.class, 'dynamic_ip');
  assert.equal(dyn.nomination?.probe, null);
  const stat = classify({ parsed, dns: dns({ ptr: ['static-81-2-69-160.pool.isp.example'], fcrdns: 'static-81-2-69-160.pool.isp.example' }), policy });
  assert.ok(stat.confidence < dyn.confidence);
  const hosting = classify({ parsed, dns: dns({ ptr: ['ec2-81-2-69-160.compute-1.amazonaws.com'], fcrdns: 'ec2-81-2-69-160.compute-1.amazonaws.com' }), policy });
  assert.notEqual(hosting.class, 'dynamic_ip');
  assert.ok(codes(hosting).includes('RDNS_HOSTING_GENERIC'));
});

test('auth marker in our boundary hop -> stolen_account, never nominated as a relay', () => {
  const hops = [hop({ by: 'mail.relay.example.net', fromIp: '203.0.114.9' })];
  const v = classify({ parsed: smtpRecord({ ip: IP, helo: 'mail.relay.example.net', hops, relay: { auth: true } }), dns: dns({ ptr: ['mail.relay.example.net'], fcrdns: 'mail.relay.example.net' }), policy });
  assert.equal(v.class, 'stolen_account');
  assert.equal(v.nomination, null);
  assert.ok(codes(v).includes('NOT_NOMINATED_AUTHENTICATED'));
});

test('auth marker in the connecting host\'s own header counts; a forged lower header does not', () => {
  const own = [hop({ by: 'smtp.provider.example', fromIp: '203.0.114.9', with: 'ESMTPSA', auth: true })];
  const v = classify({ parsed: smtpRecord({ ip: IP, helo: 'smtp.provider.example', hops: own }), dns: dns({ ptr: ['smtp.provider.example'], fcrdns: 'smtp.provider.example' }), policy });
  assert.equal(v.class, 'stolen_account');
  assert.equal(v.nomination, null);
  const forged = [hop({ by: 'mx.elsewhere.example', fromIp: '203.0.114.9', with: 'ESMTPA', auth: true })];
  const w = classify({ parsed: smtpRecord({ ip: IP, helo: 'DESKTOP-1', hops: forged, anomalies: [{ code: 'EARLY_TALKER' }] }), dns: dns({ ptr: [] }), policy });
  assert.equal(w.class, 'direct_bot');
  assert.ok(w.nomination !== null);
  assert.ok(!codes(w).includes('AUTHENTICATED'));
});

test('web injection markers -> webmail_injection', () => {
  const own = [hop({ by: 'web1.host.example', with: 'HTTP', fromIp: null })];
  const v = classify({ parsed: smtpRecord({ ip: IP, helo: 'web1.host.example', hops: own }), dns: dns({ ptr: ['web1.host.example'], fcrdns: 'web1.host.example' }), policy });
  assert.equal(v.class, 'webmail_injection');
  const php = classify({ parsed: smtpRecord({ ip: IP, mail: mail({ extraHeaders: { 'X-PHP-Originating-Script': '1000:mailer.php' } }) }), dns: dns(), policy });
  assert.equal(php.class, 'webmail_injection');
});

test('backscatter: null sender + DSN -> backscatter, not nominated; Precedence alone is not enough', () => {
  const v = classify({ parsed: smtpRecord({ ip: IP, mailFrom: '', mail: mail({ autoReply: { dsn: true, autoSubmitted: 'auto-replied', precedence: null }, from: ['MAILER-DAEMON@isp.example'] }) }), dns: dns(), policy });
  assert.equal(v.class, 'backscatter');
  assert.equal(v.nomination, null);
  for (const c of ['NULL_SENDER', 'DSN', 'AUTO_SUBMITTED', 'MAILER_DAEMON_FROM', 'NOT_NOMINATED_CLASS']) assert.ok(codes(v).includes(c), c);
  const bulk = classify({ parsed: smtpRecord({ ip: IP, mail: mail({ autoReply: { dsn: false, autoSubmitted: null, precedence: 'bulk' } }) }), dns: dns(), policy });
  assert.notEqual(bulk.class, 'backscatter');
});

test('allow-listed by network or by forward-confirmed provider name; a PTR alone is not enough', () => {
  const byNet = classify({ parsed: smtpRecord({ ip: '81.2.71.5' }), dns: dns(), policy });
  assert.equal(byNet.class, 'allowlisted_provider');
  assert.equal(byNet.nomination, null);
  const byName = classify({ parsed: smtpRecord({ ip: IP }), dns: dns({ ptr: ['o1.outbound.bigmail.example'], fcrdns: 'o1.outbound.bigmail.example' }), policy });
  assert.equal(byName.class, 'allowlisted_provider');
  const unconfirmed = classify({ parsed: smtpRecord({ ip: IP, helo: 'localhost' }), dns: dns({ ptr: ['o1.outbound.bigmail.example'], fcrdns: null }), policy });
  assert.notEqual(unconfirmed.class, 'allowlisted_provider');
  assert.ok(unconfirmed.nomination !== null);
});

test('DNS failure: DNS_UNAVAILABLE lowers confidence and the allow-list fails closed', () => {
  const parsed = smtpRecord({ ip: IP, helo: 'localhost', anomalies: [{ code: 'EARLY_TALKER' }] });
  const ok = classify({ parsed, dns: dns({ ptr: [] }), policy });
  const failed = classify({ parsed, dns: dns({ ptr: null, errors: { ptr: 'SERVFAIL' } }), policy });
  assert.equal(failed.class, ok.class);
  assert.ok(failed.confidence < ok.confidence);
  assert.ok(codes(failed).includes('DNS_UNAVAILABLE'));
  assert.ok(codes(failed).includes('ALLOWLIST_LOOKUP_FAILED'));
  assert.equal(failed.nomination, null);
  assert.ok(ok.nomination !== null);
  // Without provider patterns the allow-list is only CIDRs: a DNS failure does not block the nomination.
  const noPatterns = classify({ parsed, dns: dns({ ptr: null, errors: { ptr: 'TIMEOUT' } }), policy: { ...policy, allowProviderPatterns: [] } });
  assert.ok(noPatterns.nomination !== null);
});

test('no relaying hop -> unknown with NO_RELAYING_HOP, never nominated', () => {
  const v = classify({ parsed: smtpRecord({ relay: null }), dns: null, policy });
  assert.deepEqual([v.class, v.nomination, codes(v)], ['unknown', null, ['NO_RELAYING_HOP']]);
});

test('own network and reserved peers are classified but never nominated', () => {
  const own = classify({ parsed: smtpRecord({ ip: '81.2.70.9', helo: 'localhost' }), dns: dns(), policy });
  assert.equal(own.nomination, null);
  assert.ok(codes(own).includes('OWN_NETWORK'));
  const reserved = classify({ parsed: smtpRecord({ ip: '2002:c0a8:101::1', helo: 'localhost' }), dns: dns(), policy });
  assert.equal(reserved.nomination, null);
  const r = reserved.reasons.find((x) => x.code === 'RESERVED_RANGE');
  assert.deepEqual([r?.detail?.['via'], r?.detail?.['embedded']], ['6to4', '192.168.1.1']);
});

test('IPv6 peers are nominated per /64', () => {
  const v = classify({ parsed: smtpRecord({ ip: '2a01:4f8:1:2:aaaa:bbbb:cccc:dddd', helo: 'localhost' }), dns: dns(), policy });
  assert.deepEqual(v.nomination, { ip: '2a01:4f8:1:2:aaaa:bbbb:cccc:dddd', key: '2a01:4f8:1:2::/64', probe: null });
});

test('imports: the relaying hop from our own trusted header may be nominated; claimed IPs never', () => {
  const hops = [hop({ by: 'mx1.trap.example', fromIp: IP, fromHelo: 'localhost' }), hop({ by: 'x', fromIp: '203.0.114.77' })];
  const parsed = importRecord(IP, hops);
  parsed.walk.claimedIps = ['203.0.114.77'];
  const v = classify({ parsed, dns: dns(), policy });
  assert.equal(v.nomination?.ip, IP);
  // A header-sourced relay on a live SMTP record is refused (the session peer always wins).
  const live = smtpRecord({ ip: IP, hops, relay: { source: 'header', index: 0 } });
  const w = classify({ parsed: live, dns: dns(), policy });
  assert.equal(w.nomination, null);
  assert.ok(codes(w).includes('RELAY_NOT_CONNECTING_PEER'));
  // A relay IP that differs from the session peer is refused.
  const mismatch = smtpRecord({ ip: IP, relay: { ip: '81.2.69.161' } });
  assert.equal(classify({ parsed: mismatch, dns: dns(), policy }).nomination, null);
});

test('same input -> identical output; every emitted code is documented', () => {
  const parsed = smtpRecord({ ip: IP, helo: 'DESKTOP-9', anomalies: [{ code: 'EARLY_TALKER' }, { code: 'BARE_LF' }, { code: 'PIPELINING_VIOLATION' }] });
  const d = dns({ ptr: ['x.dyn.isp.example'], fcrdns: null, heloAddresses: [] });
  const a = classify({ parsed, dns: d, policy });
  const b = classify({ parsed: structuredClone(parsed), dns: structuredClone(d), policy: { ...policy } });
  assert.deepEqual(a, b);
  for (const code of codes(a)) assert.ok(code in REASON_CODES, code);
});

test('an AUTH attempt at the trap (never offered) is bot evidence with its mechanism, and decides direct_bot alone', () => {
  const parsed = smtpRecord({ ip: '81.2.69.10', helo: 'mail.customer.example', anomalies: [{ code: 'AUTH_ATTEMPT', detail: 'PLAIN' }, { code: 'AUTH_ATTEMPT', detail: 'LOGIN' }] });
  const v = classify({ parsed, dns: dns({ ptr: ['mail.customer.example'], fcrdns: 'mail.customer.example', heloAddresses: ['81.2.69.10'] }), policy });
  const auth = v.reasons.filter((r) => r.code === 'AUTH_WITHOUT_OFFER');
  assert.equal(auth.length, 1, 'one reason however many mechanisms were tried');
  assert.equal(auth[0]!.detail?.['sent'], 'PLAIN');
  assert.equal(v.class, 'direct_bot');
  const without = classify({ parsed: smtpRecord({ ip: '81.2.69.10', helo: 'mail.customer.example' }), dns: dns({ ptr: ['mail.customer.example'], fcrdns: 'mail.customer.example', heloAddresses: ['81.2.69.10'] }), policy });
  assert.notEqual(without.class, 'direct_bot');
});

test('bot behaviour on a dynamic address is direct_bot, not dynamic_ip', () => {
  const parsed = smtpRecord({ ip: '81.2.69.10', helo: 'localhost' });
  const v = classify({ parsed, dns: dns({ ptr: ['dhcp-81-2-69-10.pool.isp.example'], fcrdns: 'dhcp-81-2-69-10.pool.isp.example' }), policy });
  assert.equal(v.class, 'direct_bot');
});

test('an upstream host of the same organisation is not a third party', () => {
  const byDomain = [hop({ by: 'out1.mailer.example.net', fromIp: '203.0.114.9', fromHelo: 'web7.mailer.example.net' })];
  const v = classify({ parsed: smtpRecord({ ip: IP, helo: 'out1.mailer.example.net', hops: byDomain }), dns: dns({ ptr: ['out1.mailer.example.net'], fcrdns: 'out1.mailer.example.net' }), policy });
  assert.ok(codes(v).includes('SAME_ORG_HANDOFF'));
  assert.notEqual(v.class, 'open_relay_suspect');
  const nearby = [hop({ by: 'out1.mailer.example.net', fromIp: '81.2.1.1', fromHelo: 'localhost' })];
  const w = classify({ parsed: smtpRecord({ ip: IP, helo: 'out1.mailer.example.net', hops: nearby }), dns: dns({ ptr: ['out1.mailer.example.net'], fcrdns: 'out1.mailer.example.net' }), policy });
  assert.equal(w.reasons.find((r) => r.code === 'SAME_ORG_HANDOFF')?.detail?.['by'], 'same IPv4 /16');
});

test('a big-provider HELO is only called forged when the rDNS is known', () => {
  const parsed = smtpRecord({ ip: IP, helo: 'mail-lf1-f68.google.com' });
  assert.ok(!codes(classify({ parsed, dns: null, policy })).includes('HELO_FORGED_BIG_PROVIDER'));
  assert.ok(!codes(classify({ parsed, dns: dns({ ptr: null, errors: { ptr: 'TIMEOUT' } }), policy })).includes('HELO_FORGED_BIG_PROVIDER'));
  assert.ok(codes(classify({ parsed, dns: dns({ ptr: [] }), policy })).includes('HELO_FORGED_BIG_PROVIDER'));
  assert.ok(codes(classify({ parsed, dns: dns({ ptr: ['x.isp.example'] }), policy })).includes('HELO_FORGED_BIG_PROVIDER'));
  assert.ok(!codes(classify({ parsed, dns: dns({ ptr: ['mail-lf1-f68.google.com'], fcrdns: 'mail-lf1-f68.google.com' }), policy })).includes('HELO_FORGED_BIG_PROVIDER'));
});

test('a big provider\'s hops across its own domains are the same organisation', () => {
  const hops = [hop({ by: 'SG2PR02MB5772.apcprd02.prod.outlook.com', fromIp: '2603:1096:300:57::17', fromHelo: 'PS2PR01CA0053.apcprd01.prod.exchangelabs.com' })];
  const v = classify({ parsed: smtpRecord({ ip: '40.107.44.119', helo: 'SEYPR02CU001.outbound.protection.outlook.com', hops }), dns: dns(), policy });
  assert.ok(codes(v).includes('SAME_ORG_HANDOFF'));
  assert.notEqual(v.class, 'open_relay_suspect');
});

test('forgery signs from the hop walk below the boundary add proxy/bot support', () => {
  const parsed = smtpRecord({ ip: IP, helo: 'DESKTOP-1' });
  const base = classify({ parsed, dns: dns(), policy });
  parsed.walk.reasons = [{ code: 'FORGED_OWN_HEADER', hop: 1 }, { code: 'DATE_INVALID', hop: 2 }, { code: 'DATE_INVALID', hop: 3 }, { code: 'BY_FROM_MISMATCH', hop: 1 }];
  const v = classify({ parsed, dns: dns(), policy });
  assert.deepEqual(codes(v).filter((c) => c.startsWith('CHAIN_')), ['CHAIN_FORGED_OWN_HEADER', 'CHAIN_DATE_ANOMALY']);
  assert.ok(v.confidence > base.confidence);
});

test('DNS allow-lists: a hit allow-lists; a failed zone or DNS off fails closed', () => {
  const zoned: PolicyConfig = { ...policy, allowProviderPatterns: [], allowDnsZones: ['list.dnswl.example'] };
  const parsed = smtpRecord({ ip: IP, helo: 'localhost' });
  const hit = classify({ parsed, dns: dns(), policy: zoned, dnsAllowlistHits: [{ zone: 'list.dnswl.example', answer: '127.0.15.2' }] });
  assert.equal(hit.class, 'allowlisted_provider');
  assert.equal(hit.reasons.find((r) => r.code === 'ALLOWLISTED')?.detail?.['by'], 'dns');
  const failed = classify({ parsed, dns: dns({ errors: { 'allowlist:list.dnswl.example': 'SERVFAIL' } }), policy: zoned });
  assert.equal(failed.nomination, null);
  assert.ok(codes(failed).includes('ALLOWLIST_LOOKUP_FAILED'));
  const off = classify({ parsed, dns: null, policy: zoned });
  assert.equal(off.nomination, null);
  const clean = classify({ parsed, dns: dns(), policy: zoned });
  assert.ok(clean.nomination !== null);
});
