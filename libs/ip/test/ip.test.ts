// libs/ip: table tests for parsing, special ranges (incl. wrapped forms), CIDR sets, keys, reverse names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CidrError, CidrSet, nominationKey, parseIp, reverseName, specialPurpose } from '../src/index.js';

test('parseIp canonicalises every form MTAs write', () => {
  const cases: [string, string | null][] = [
    ['1.2.3.4', '1.2.3.4'],
    [' 1.2.3.4 ', '1.2.3.4'],
    ['[1.2.3.4]', '1.2.3.4'],
    ['255.255.255.255', '255.255.255.255'],
    ['0.0.0.0', '0.0.0.0'],
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['[IPv6:2001:db8::1]', '2001:db8::1'],
    ['IPv6:2001:DB8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['ipv6:::1', '::1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['[fe80::1%25eth0]', 'fe80::1'],
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['::FFFF:7F00:2', '127.0.0.2'],
    ['[IPv6:::ffff:198.51.100.7]', '198.51.100.7'],
    ['::', '::'],
    ['2001:db8:0:1:0:0:0:0', '2001:db8:0:1::'],
    ['1.2.3.04', null],
    ['01.2.3.4', null],
    ['1.2.3.256', null],
    ['1.2.3', null],
    ['1.2.3.4.5', null],
    ['1.2.3.4/32', null],
    ['2001:db8::/64', null],
    ['2001:db8::g', null],
    ['1:2:3:4:5:6:7:8:9', null],
    ['localhost', null],
    ['', null],
    ['[]', null],
    ['1.2.3.4\u0000', null],
    ['x'.repeat(1000), null],
  ];
  for (const [input, want] of cases) assert.equal(parseIp(input), want, JSON.stringify(input));
  assert.equal(parseIp(undefined), null);
  assert.equal(parseIp(42), null);
});

test('specialPurpose covers every IPv4 range of domain.md §6 at both ends', () => {
  const hits: [string, string][] = [
    ['0.0.0.0', '0.0.0.0/8'], ['0.255.255.255', '0.0.0.0/8'],
    ['10.0.0.0', '10.0.0.0/8'], ['10.255.255.255', '10.0.0.0/8'],
    ['100.64.0.0', '100.64.0.0/10'], ['100.127.255.255', '100.64.0.0/10'],
    ['127.0.0.1', '127.0.0.0/8'], ['127.255.255.255', '127.0.0.0/8'],
    ['169.254.0.1', '169.254.0.0/16'], ['169.254.255.255', '169.254.0.0/16'],
    ['172.16.0.0', '172.16.0.0/12'], ['172.31.255.255', '172.16.0.0/12'],
    ['192.0.0.8', '192.0.0.0/24'], ['192.0.2.1', '192.0.2.0/24'],
    ['192.88.99.1', '192.88.99.0/24'],
    ['192.168.0.0', '192.168.0.0/16'], ['192.168.255.255', '192.168.0.0/16'],
    ['198.18.0.0', '198.18.0.0/15'], ['198.19.255.255', '198.18.0.0/15'],
    ['198.51.100.1', '198.51.100.0/24'], ['203.0.113.255', '203.0.113.0/24'],
    ['224.0.0.1', '224.0.0.0/4'], ['239.255.255.255', '224.0.0.0/4'],
    ['240.0.0.0', '240.0.0.0/4'], ['255.255.255.255', '240.0.0.0/4'],
  ];
  for (const [ip, cidr] of hits) assert.equal(specialPurpose(ip)?.cidr, cidr, ip);
  // Neighbours just outside each range are ordinary (Spamikaze once treated 172.32/16 as private).
  for (const ip of ['1.0.0.0', '9.255.255.255', '11.0.0.0', '100.63.255.255', '100.128.0.0', '126.255.255.255', '128.0.0.0', '169.253.255.255', '169.255.0.0', '172.15.255.255', '172.32.0.0', '192.0.1.0', '192.0.3.0', '192.88.98.255', '192.88.100.0', '192.167.255.255', '192.169.0.0', '198.17.255.255', '198.20.0.0', '198.51.99.255', '198.51.101.0', '203.0.112.255', '203.0.114.0', '223.255.255.255', '8.8.8.8']) {
    assert.equal(specialPurpose(ip), null, ip);
  }
});

test('specialPurpose covers the IPv6 registry and anything outside 2000::/3', () => {
  const hits: [string, string][] = [
    ['::', '::/128'], ['::1', '::1/128'],
    ['fc00::1', 'fc00::/7'], ['fdff:ffff::1', 'fc00::/7'],
    ['fe80::1', 'fe80::/10'], ['febf::1', 'fe80::/10'],
    ['ff02::1', 'ff00::/8'],
    ['2001:db8::1', '2001:db8::/32'], ['2001:db8:ffff::1', '2001:db8::/32'],
    ['3fff::1', '3fff::/20'], ['3fff:0fff::1', '3fff::/20'],
    ['100::1', '100::/64'],
    ['2001:2::1', '2001::/23'], ['2001:1ff::1', '2001::/23'],
    ['64:ff9b:1::1', '64:ff9b:1::/48'],
    ['fec0::1', '2000::/3'], ['4000::1', '2000::/3'], ['1::1', '2000::/3'], ['100:0:0:1::1', '2000::/3'],
  ];
  for (const [ip, cidr] of hits) assert.equal(specialPurpose(ip)?.cidr, cidr, ip);
  for (const ip of ['2001:200::1', '2a00:1450:4001:80b::200e', '2606:4700::1111', '3ffe::1', '3fff:1000::1', '2001:4860:4860::8888']) {
    assert.equal(specialPurpose(ip), null, ip);
  }
});

test('specialPurpose unwraps IPv4 embedded in mapped, 6to4, Teredo and NAT64 forms', () => {
  // IPv4-mapped collapses to the IPv4 itself.
  assert.equal(specialPurpose('::ffff:10.1.2.3')?.cidr, '10.0.0.0/8');
  assert.equal(specialPurpose('::ffff:8.8.8.8'), null);
  // 6to4 of 192.168.1.1 = 2002:c0a8:0101::/48
  const sixToFour = specialPurpose('2002:c0a8:101::1');
  assert.deepEqual([sixToFour?.cidr, sixToFour?.via, sixToFour?.embedded], ['192.168.0.0/16', '6to4', '192.168.1.1']);
  // 6to4 of a public IPv4 is still special (the real sender is the IPv4 host we did not see).
  const sixToFourPublic = specialPurpose('2002:0808:0808::1');
  assert.deepEqual([sixToFourPublic?.cidr, sixToFourPublic?.via, sixToFourPublic?.embedded], ['2002::/16', '6to4', '8.8.8.8']);
  // Teredo: client 127.0.0.1 is stored inverted: ~0x7f000001 = 0x80fffffe.
  const teredo = specialPurpose('2001:0:4136:e378:8000:63bf:80ff:fffe');
  assert.deepEqual([teredo?.cidr, teredo?.via, teredo?.embedded], ['127.0.0.0/8', 'teredo', '127.0.0.1']);
  // RFC 4380 §4 example: client 192.0.2.45 is written 3fff:fdd2 (and is itself a documentation address).
  const teredoDoc = specialPurpose('2001:0:4136:e378:8000:63bf:3fff:fdd2');
  assert.deepEqual([teredoDoc?.cidr, teredoDoc?.via, teredoDoc?.embedded], ['192.0.2.0/24', 'teredo', '192.0.2.45']);
  // Teredo of a public client (8.8.8.8 -> f7f7:f7f7) is still special as a transition form.
  const teredoPublic = specialPurpose('2001:0:4136:e378:8000:63bf:f7f7:f7f7');
  assert.deepEqual([teredoPublic?.cidr, teredoPublic?.via, teredoPublic?.embedded], ['2001::/23', 'teredo', '8.8.8.8']);
  // NAT64 well-known prefix.
  const nat64 = specialPurpose('64:ff9b::a00:1');
  assert.deepEqual([nat64?.cidr, nat64?.via, nat64?.embedded], ['10.0.0.0/8', 'nat64', '10.0.0.1']);
  assert.equal(specialPurpose('64:ff9b::808:808')?.cidr, '64:ff9b::/96');
});

test('specialPurpose fails closed on junk', () => {
  assert.equal(specialPurpose('not-an-ip')?.name, 'not an IP address');
  assert.equal(specialPurpose('')?.name, 'not an IP address');
});

test('CidrSet matches networks and bare addresses, and reports bad entries clearly', () => {
  const set = new CidrSet(['192.0.2.0/24', '198.51.100.7', '2001:db8:1::/48', '10.0.0.0/8', '10.1.0.0/16', '::ffff:203.0.113.0/120', '0.0.0.0/0']);
  assert.equal(set.match('192.0.2.200'), '192.0.2.0/24');
  assert.equal(set.match('198.51.100.7'), '198.51.100.7');
  assert.equal(set.match('2001:db8:1:ffff::1'), '2001:db8:1::/48');
  assert.equal(set.match('2001:db8:2::1'), null);
  assert.equal(set.match('10.1.2.3'), '10.1.0.0/16');
  assert.equal(set.match('203.0.113.9'), '::ffff:203.0.113.0/120');
  assert.equal(set.match('8.8.8.8'), '0.0.0.0/0');
  assert.equal(set.match('junk'), null);
  const small = new CidrSet(['10.0.0.0/8', '10.200.0.0/16', '11.0.0.0/8']);
  assert.equal(small.has('10.250.0.1'), true);
  assert.equal(small.has('12.0.0.1'), false);
  assert.equal(small.has('9.255.255.255'), false);
  assert.equal(new CidrSet([]).has('1.2.3.4'), false);
  for (const [bad, why] of [
    ['10.0.0.1/8', /host bits are set/],
    ['10.0.0.0/33', /prefix length must be 0..32/],
    ['2001:db8::/129', /prefix length must be 0..128/],
    ['example.com', /not an IPv4 or IPv6 address/],
    ['10.0.0.0/x', /prefix length is not a number/],
  ] as const) {
    assert.throws(() => new CidrSet([bad]), (e: unknown) => e instanceof CidrError && why.test(e.message) && e.message.includes(bad));
  }
});

test('nominationKey aggregates IPv6 per /64 and keeps IPv4 as is', () => {
  assert.equal(nominationKey('192.0.2.1'), '192.0.2.1');
  assert.equal(nominationKey('::ffff:192.0.2.1'), '192.0.2.1');
  assert.equal(nominationKey('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64');
  assert.equal(nominationKey('2001:DB8:1:2::'), '2001:db8:1:2::/64');
  assert.equal(nominationKey('2001:db8::1'), '2001:db8::/64');
  assert.equal(nominationKey('nope'), null);
});

test('reverseName builds in-addr.arpa and ip6.arpa names', () => {
  assert.equal(reverseName('192.0.2.1'), '1.2.0.192.in-addr.arpa');
  assert.equal(reverseName('2001:db8::567:89ab'), 'b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa');
  assert.equal(reverseName('bad'), null);
});
