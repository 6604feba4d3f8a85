// Safety properties: whatever the record, reserved/own/allow-listed peers are never nominated and only the connecting peer ever is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { DnsFacts, ParsedRecord } from '@spamtrap/contracts';
import { specialPurpose } from '@spamtrap/ip';
import { classify, REASON_CODES, type PolicyConfig } from '../src/index.js';
import { hop, mail, smtpRecord } from './build.js';

const policy: PolicyConfig = { ownNetworks: ['81.2.70.0/24', '2a01:4f8:99::/48'], allowCidrs: ['81.2.71.0/24'], allowProviderPatterns: [], trapDomains: ['trap.example'], ourHosts: ['mx1.trap.example'] };

const octet = fc.integer({ min: 0, max: 255 });
const hex16 = (a: number, b: number): string => ((a << 8) | b).toString(16);

/** A reserved IPv4 (first octet from the special list) in one of its textual or wrapped forms. */
const reservedIp = fc
  .tuple(fc.constantFrom([10], [127], [192, 168], [169, 254], [100, 64], [172, 16], [0], [224], [240], [255], [198, 18], [192, 0, 2]), octet, octet, octet)
  .chain(([prefix, x, y, z]) => {
    const o = [...prefix, x, y, z].slice(0, 4) as [number, number, number, number];
    const v4 = o.join('.');
    const inv = o.map((n) => 255 - n) as [number, number, number, number];
    return fc.constantFrom(
      v4,
      `::ffff:${v4}`,
      `[IPv6:::ffff:${v4}]`,
      `2002:${hex16(o[0], o[1])}:${hex16(o[2], o[3])}::5`,
      `2001:0:4136:e378:8000:63bf:${hex16(inv[0], inv[1])}:${hex16(inv[2], inv[3])}`,
      `64:ff9b::${hex16(o[0], o[1])}:${hex16(o[2], o[3])}`,
    );
  });
const reservedV6 = fc.constantFrom('::1', '::', 'fe80::1', 'fd00::1234', 'ff02::1', '2001:db8::7', '3fff::1', '100::1', 'fec0::1', '2001:2::1', '64:ff9b:1::9');
const publicIp = fc.oneof(fc.tuple(fc.integer({ min: 1, max: 99 }), octet, octet, octet).map((o) => o.join('.')), fc.constantFrom('2a01:4f8:1:2::3', '2606:4700::1111', '81.2.70.7', '81.2.71.9', '2a01:4f8:99:1::1'));
const anyIp = fc.oneof(reservedIp, reservedV6, { arbitrary: publicIp, weight: 4 });

const anomaly = fc.record({ code: fc.constantFrom('HTTP_REQUEST', 'PROXY_CONNECT', 'EARLY_TALKER', 'BARE_LF', 'PIPELINING_VIOLATION', 'AUTH_ATTEMPT', 'OVERSIZE', 'X'), detail: fc.option(fc.string(), { nil: undefined }) });
const name = fc.oneof(fc.constantFrom('localhost', 'DESKTOP-1', 'trap.example', 'gmail.com', 'dhcp-1-2-3-4.pool.isp.example', 'mail.relay.example', '[10.0.0.1]'), fc.domain(), fc.string());
const hopArb = fc.record({ by: fc.option(name, { nil: null }), fromIp: fc.option(anyIp, { nil: null }), auth: fc.boolean(), with: fc.option(fc.constantFrom('ESMTP', 'ESMTPSA', 'HTTP', 'SMTP'), { nil: null }) }).map((h) => hop(h));
const dnsArb: fc.Arbitrary<DnsFacts | null> = fc.option(
  fc.record({
    ptr: fc.option(fc.array(name, { maxLength: 3 }), { nil: null }),
    fcrdns: fc.option(name, { nil: null }),
    heloAddresses: fc.option(fc.array(anyIp, { maxLength: 3 }), { nil: null }),
    errors: fc.dictionary(fc.constantFrom('ptr', 'forward', 'helo', 'allowlist:x'), fc.constantFrom('SERVFAIL', 'TIMEOUT')),
  }),
  { nil: null },
);

function record(ip: string, helo: string, anomalies: { code: string; detail?: string }[], hops: ReturnType<typeof hop>[], auth: boolean, nullSender: boolean, claimed: string[]): ParsedRecord {
  const p = smtpRecord({ ip, helo, anomalies, hops, relay: { auth }, mailFrom: nullSender ? '' : 'a@b.example', mail: mail() });
  p.walk.claimedIps = claimed;
  return p;
}

const recordArb = (ipArb: fc.Arbitrary<string>): fc.Arbitrary<[ParsedRecord, DnsFacts | null]> =>
  fc.tuple(ipArb, name, fc.array(anomaly, { maxLength: 4 }), fc.array(hopArb, { maxLength: 4 }), fc.boolean(), fc.boolean(), fc.array(publicIp, { maxLength: 3 }), dnsArb).map(
    ([ip, helo, an, hops, auth, ns, claimed, d]) => [record(ip, helo, an, hops, auth, ns, claimed), d],
  );

test('no reserved address is ever nominated, in any wrapped form, whatever else the record says', () => {
  fc.assert(
    fc.property(recordArb(fc.oneof(reservedIp, reservedV6)), ([parsed, d]) => {
      const v = classify({ parsed, dns: d, policy });
      assert.equal(v.nomination, null, parsed.walk.relay?.ip);
      assert.ok(v.reasons.some((r) => r.code === 'RESERVED_RANGE'));
    }),
    { numRuns: 3000 },
  );
});

test('nominations are only ever the session peer, never own/allow-listed/authenticated, and every code is documented', () => {
  let nominated = 0;
  fc.assert(
    fc.property(recordArb(anyIp), ([parsed, d]) => {
      const v = classify({ parsed, dns: d, policy });
      for (const r of v.reasons) assert.ok(r.code in REASON_CODES, r.code);
      assert.ok(v.confidence >= 0 && v.confidence <= 1);
      if (v.nomination === null) return;
      nominated++;
      const ip = v.nomination.ip;
      assert.equal(ip, parsed.facts.smtp?.peer.ip.replace(/^\[IPv6:::ffff:|^::ffff:|\]$/g, '') ?? ip);
      assert.equal(specialPurpose(ip), null);
      assert.ok(!ip.startsWith('81.2.70.') && !ip.startsWith('81.2.71.') && !ip.startsWith('2a01:4f8:99:'));
      assert.equal(parsed.walk.relay?.auth, false);
      assert.ok(!v.reasons.some((r) => r.code === 'AUTHENTICATED'));
      if (v.nomination.probe === 'relay') assert.equal(v.class, 'open_relay_suspect');
      if (v.nomination.probe === 'proxy') assert.equal(v.class, 'open_proxy_suspect');
    }),
    { numRuns: 3000 },
  );
  // The property must not hold vacuously: plenty of random records do get nominated.
  assert.ok(nominated > 100, `only ${nominated} nominations`);
});
