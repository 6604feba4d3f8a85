// HELO checks: each rule's hits and the look-alikes it must leave alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy, heloReasons } from '../src/index.js';
import { dns } from './build.js';

const policy = compilePolicy({ ownNetworks: [], allowCidrs: [], allowProviderPatterns: [], trapDomains: ['trap.example'], ourHosts: ['mx1.ours.example'] });
const IP = '81.2.69.160';

function codes(helo: string | null, extra: { rdnsName?: string | null; heloAddresses?: string[] | null; heloError?: string } = {}): string[] {
  const d = dns({ heloAddresses: extra.heloAddresses ?? null, errors: extra.heloError === undefined ? {} : { helo: extra.heloError } });
  return heloReasons({ helo, ip: IP, rdnsName: extra.rdnsName ?? null, dns: d }, policy).map((r) => r.code);
}

test('IP literals: mismatch vs the peer itself', () => {
  assert.deepEqual(codes('[1.2.3.4]'), ['HELO_IP_LITERAL_MISMATCH']);
  assert.deepEqual(codes('[81.2.69.160]'), ['HELO_IP_LITERAL']);
  assert.deepEqual(codes('81.2.69.160'), ['HELO_IP_LITERAL']);
  assert.deepEqual(codes('[IPv6:2001:db8::1]'), ['HELO_IP_LITERAL_MISMATCH']);
});

test('localhost forms, NetBIOS names, missing HELO', () => {
  assert.deepEqual(codes('localhost'), ['HELO_LOCALHOST']);
  assert.deepEqual(codes('localhost.localdomain'), ['HELO_LOCALHOST']);
  assert.deepEqual(codes('DESKTOP-7QK2L9M'), ['HELO_NETBIOS']);
  assert.deepEqual(codes('USER-PC'), ['HELO_NETBIOS']);
  assert.deepEqual(codes(null), ['HELO_MISSING']);
  assert.deepEqual(codes('  '), ['HELO_MISSING']);
});

test('HELO forged as our trap domain or our MX, but not a look-alike domain', () => {
  assert.deepEqual(codes('trap.example'), ['HELO_FORGED_AS_TRAP_DOMAIN']);
  assert.deepEqual(codes('mail.TRAP.example.'), ['HELO_FORGED_AS_TRAP_DOMAIN']);
  assert.deepEqual(codes('mx1.ours.example'), ['HELO_FORGED_AS_TRAP_DOMAIN']);
  assert.deepEqual(codes('nottrap.example'), []);
  assert.deepEqual(codes('ours.example'), []);
});

test('big provider HELO without matching rDNS', () => {
  assert.deepEqual(codes('mail-wr1-f54.google.com', { rdnsName: 'host.isp.example' }), ['HELO_FORGED_BIG_PROVIDER']);
  assert.deepEqual(codes('mail-wr1-f54.google.com', { rdnsName: 'mail-wr1-f54.google.com' }), []);
  assert.deepEqual(codes('gmail.com'), ['HELO_FORGED_BIG_PROVIDER']);
  assert.deepEqual(codes('mail.notgmail.com'), []);
});

test('HELO DNS facts: no address, mismatch, confirms; errors say nothing', () => {
  assert.deepEqual(codes('mail.sender.example', { heloAddresses: [] }), ['HELO_NO_ADDRESS']);
  assert.deepEqual(codes('mail.sender.example', { heloAddresses: ['1.1.1.1'] }), ['HELO_ADDRESS_MISMATCH']);
  assert.deepEqual(codes('mail.sender.example', { heloAddresses: ['1.1.1.1', IP] }), ['HELO_CONFIRMS_IP']);
  assert.deepEqual(codes('mail.sender.example', { heloAddresses: null, heloError: 'SERVFAIL' }), []);
});

test('dynamic-looking HELO names', () => {
  assert.deepEqual(codes('dhcp-81-2-69-160.isp.example'), ['HELO_DYNAMIC_TOKEN', 'HELO_EMBEDS_IP']);
  assert.deepEqual(codes('mail.isp.example'), []);
});
