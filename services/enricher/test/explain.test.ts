// explainVerdict: the verdict for one parsed record, with a given resolver or with DNS off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainVerdict } from '../src/index.js';
import { fakeDns, parsedRecord } from './records.js';

test('explain without DNS: DNS_SKIPPED, verdict from session and headers only', async () => {
  const rec = parsedRecord({ ip: '81.2.69.160', helo: 'localhost', anomalies: [{ code: 'EARLY_TALKER' }] });
  const v = await explainVerdict(rec, { dns: false });
  assert.equal(v.class, 'direct_bot');
  assert.equal(v.dns, null);
  assert.ok(v.reasons.some((r) => r.code === 'DNS_SKIPPED'));
  assert.equal(v.decidedAt, rec.parsedAt);
});

test('explain with a resolver and a policy: DNS facts and allow-lists apply', async () => {
  const rec = parsedRecord({ ip: '81.2.69.160', helo: 'localhost' });
  const dns = fakeDns({ 'PTR 81.2.69.160': ['o1.outbound.big.example'], 'A o1.outbound.big.example': ['81.2.69.160'] });
  const v = await explainVerdict(rec, { dns: true, resolver: dns, policy: { ownNetworks: [], allowCidrs: [], allowProviderPatterns: ['*.outbound.big.example'], trapDomains: [], ourHosts: [] } });
  assert.equal(v.class, 'allowlisted_provider');
  assert.equal(v.dns?.fcrdns, 'o1.outbound.big.example');
  assert.equal(v.nomination, null);
});
