// Evidence document builder: strict-mapping fit, redaction of trap addresses and their encodings, bounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildEvidenceDoc, buildSessionDoc, createRedactor, evidenceIndexFor, fieldTypes, RESTRICTED_PATH } from '../src/index.js';
import { sessionFixture, verdictFixture } from '../src/testing/fixtures.js';

const ID = '019a0000-0000-7000-8000-000000000001';
const TRAP = 'alice.trap@traps.example.org';

/** Every leaf path of a document (arrays flattened), skipping opaque objects. */
function leafPaths(v: unknown, path = '', out = new Set<string>(), opaque: Set<string> = new Set()): Set<string> {
  if (opaque.has(path)) return out;
  if (Array.isArray(v)) {
    for (const x of v) leafPaths(x, path, out, opaque);
  } else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) leafPaths(x, path === '' ? k : `${path}.${k}`, out, opaque);
  } else {
    out.add(path);
  }
  return out;
}

const OPAQUE = new Set(['spamtrap.verdict.reason_details', 'spamtrap.smtp.anomaly_details']);

/** The document with the restricted object removed, serialised: the public part. */
function publicJson(doc: Record<string, unknown>): string {
  const copy = structuredClone(doc) as { spamtrap: Record<string, unknown> };
  delete copy.spamtrap['restricted'];
  return JSON.stringify(copy);
}

test('every field the builder writes exists in the evidence mapping', () => {
  const types = fieldTypes('evidence');
  const { doc } = buildEvidenceDoc(verdictFixture({ evidenceId: ID }), { prefix: 'spamtrap', ingestedAt: '2026-11-20T10:00:01.000Z' });
  for (const p of leafPaths(doc, '', new Set(), OPAQUE)) assert.ok(types.has(p), `field ${p} is not in the template`);
  const s = buildSessionDoc(sessionFixture(ID), { prefix: 'spamtrap' });
  for (const p of leafPaths(s.doc, '', new Set(), OPAQUE)) assert.ok(types.has(p), `session field ${p} is not in the template`);
});

test('index comes from the acceptance time and _id is the evidence id', () => {
  const built = buildEvidenceDoc(verdictFixture({ evidenceId: ID, acceptedAt: '2026-01-31T23:59:59.000Z' }), { prefix: 'spamtrap' });
  assert.equal(built.index, 'spamtrap-evidence-2026.01');
  assert.equal(built.id, ID);
  assert.equal(evidenceIndexFor('p', '2026-12-01T00:00:00Z'), 'p-evidence-2026.12');
  assert.equal((built.doc as { '@timestamp': string })['@timestamp'], '2026-01-31T23:59:59.000Z');
});

test('trap address never appears outside spamtrap.restricted: for, To, Subject, URL query, URL-encoded and base64 forms', () => {
  const b64 = Buffer.from(`uid=7&e=${TRAP}&x=1`).toString('base64');
  const b64url = Buffer.from(`${TRAP}`).toString('base64url');
  const v = verdictFixture({
    evidenceId: ID,
    trap: TRAP,
    subject: `Hello ${TRAP.toUpperCase()}, your order`,
    urls: [
      `https://track.example/u?email=${encodeURIComponent(TRAP)}`,
      `https://track.example/o?d=${b64}`,
      `https://track.example/p/${b64url}`,
      `https://track.example/q?e=${TRAP.replace('@', '%40')}`,
    ],
  });
  const { doc } = buildEvidenceDoc(v, { prefix: 'spamtrap' });
  const pub = publicJson(doc);
  const lowered = pub.toLowerCase();
  for (const form of [TRAP, encodeURIComponent(TRAP), TRAP.replace('@', '%40'), b64url]) {
    assert.ok(!lowered.includes(form.toLowerCase()), `public part contains ${form}`);
  }
  // The base64 blob that wrapped the address must have lost the address-bearing part.
  assert.ok(!pub.includes(b64), 'base64 form survived');
  const stored = (doc as { url: { full: string[] } }).url.full[1]!;
  const param = stored.slice(stored.indexOf('d=') + 2);
  assert.ok(!Buffer.from(param, 'base64').toString('latin1').includes(TRAP), `decoded ${stored} still holds the address`);
  const token = createRedactor([TRAP]).token(TRAP);
  assert.match(token, /^trap-[0-9a-f]{8}$/);
  assert.ok(pub.includes(token), 'the stable token replaces the address');
  const d = doc as { spamtrap: { restricted: Record<string, unknown>; trap: { ids: string[] }; received: { hops: Array<{ for?: string }> } } };
  assert.deepEqual(d.spamtrap.trap.ids, [token]);
  assert.equal(d.spamtrap.received.hops[0]?.for, `<${token}>`);
  assert.deepEqual(d.spamtrap.restricted['rcpt_to'], [TRAP]);
  assert.equal(Buffer.from(String(d.spamtrap.restricted['raw']), 'base64').toString().includes(TRAP), true);
  assert.equal(RESTRICTED_PATH, 'spamtrap.restricted');
});

test('a redaction secret changes the token; trap domains redact unknown addresses', () => {
  const plain = createRedactor([TRAP]).token(TRAP);
  const keyed = createRedactor([TRAP], 's3cret').token(TRAP);
  assert.notEqual(plain, keyed);
  const r = createRedactor([], '', ['traps.example.org']);
  assert.equal(r.redact('RCPT TO:<bob@traps.example.org>').includes('bob@'), false);
  assert.equal(r.redact('x@traps.example.org.evil.test'), 'x@traps.example.org.evil.test');
});

test('hostile strings are bounded and invalid IPs do not reach ip fields', () => {
  const long = 'A'.repeat(100_000) + '\u0000';
  const v = verdictFixture({ evidenceId: ID, helo: long, subject: long });
  v.parsed.walk.hops.push({ ...v.parsed.walk.hops[0]!, fromIp: '999.1.1.1', fromHelo: long });
  v.parsed.walk.claimedIps.push('not-an-ip');
  const { doc } = buildEvidenceDoc(v, { prefix: 'spamtrap' });
  const d = doc as { email: { subject: string }; spamtrap: { smtp: { helo: string }; received: { hops: Array<Record<string, unknown>>; claimed_ips: string[] } } };
  assert.ok(d.email.subject.length <= 2048);
  assert.ok(d.spamtrap.smtp.helo.length <= 1024);
  assert.ok(!d.spamtrap.smtp.helo.includes('\u0000'));
  const last = d.spamtrap.received.hops.at(-1)!;
  assert.equal(last['from_ip'], undefined);
  assert.equal(last['from_ip_text'], '999.1.1.1');
  assert.deepEqual(d.spamtrap.received.claimed_ips, ['192.0.2.77']);
});

test('same record built twice gives the same document (replay safety)', () => {
  const v = verdictFixture({ evidenceId: ID });
  const a = buildEvidenceDoc(v, { prefix: 'spamtrap', ingestedAt: 'x' });
  const b = buildEvidenceDoc(structuredClone(v), { prefix: 'spamtrap', ingestedAt: 'x' });
  assert.deepEqual(a, b);
});

test('import records take their time from the top Received date, not the import time', () => {
  const v = verdictFixture({ evidenceId: ID, acceptedAt: '2025-03-04T05:06:07.000Z' });
  v.parsed.facts.source = 'import';
  v.parsed.facts.smtp = null;
  v.parsed.facts.import = { archive: 'a.mbox', format: 'mbox', file: 'a.mbox', entry: 3, importedAt: '2026-11-20T00:00:00.000Z' };
  const built = buildEvidenceDoc(v, { prefix: 'spamtrap' });
  assert.equal(built.index, 'spamtrap-evidence-2025.03');
  // A forged future date falls back to the import time.
  v.parsed.walk.hops[0]!.date = '2099-01-01T00:00:00.000Z';
  v.parsed.mail!.date = '2099-01-01T00:00:00.000Z';
  assert.equal(buildEvidenceDoc(v, { prefix: 'spamtrap' }).index, 'spamtrap-evidence-2026.11');
});

test('adversarial records: huge lists, NUL bytes, missing parts, bad dates and bad nominations still build a mapping-clean doc', () => {
  const types = fieldTypes('evidence');
  const junk = 'x\u0000\u0007y'.repeat(50_000);
  const v = verdictFixture({ evidenceId: ID, helo: junk, subject: junk });
  const hop0 = v.parsed.walk.hops[0]!;
  v.parsed.walk.hops = Array.from({ length: 10_000 }, (_, i) => ({ ...hop0, fromIp: i % 2 ? '10.0.0.1' : 'garbage', date: 'yesterday', for: junk }));
  v.parsed.mail!.urls = Array.from({ length: 5000 }, (_, i) => `https://u${i}.example/${junk.slice(0, 10_000)}`);
  v.parsed.mail!.attachments = Array.from({ length: 1000 }, () => ({ filename: junk, contentType: junk, size: Number.NaN, sha256: junk }));
  v.parsed.mail!.extraHeaders = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`X-H${i}`, junk]));
  v.reasons = Array.from({ length: 1000 }, () => ({ code: junk, detail: { [junk]: junk, list: [junk, junk] } }));
  v.nomination = { ip: '198.51.100.23', key: 'k'.repeat(600), probe: 'relay' };
  v.parsed.mail!.date = '99999-01-01T00:00:00Z';
  v.parsed.facts.smtp!.peer.port = 1e30;
  v.parsed.facts.size = -0.5;
  v.confidence = Number.MAX_VALUE;
  const { doc } = buildEvidenceDoc(v, { prefix: 'p' });
  for (const p of leafPaths(doc, '', new Set(), OPAQUE)) assert.ok(types.has(p), `field ${p} is not in the template`);
  const json = JSON.stringify(doc);
  assert.ok(!json.includes('\\u0000'), 'NUL bytes are replaced');
  assert.ok(json.length < 4_000_000, `document is bounded (${json.length} chars)`);
  const d = doc as { spamtrap: { received: { hops: unknown[] }; nomination?: unknown }; url: { full: string[] }; email: { attachments: unknown[]; origination_timestamp?: string } };
  assert.equal(d.spamtrap.received.hops.length, 100);
  assert.equal(d.url.full.length, 200);
  assert.equal(d.email.attachments.length, 50);
  assert.equal(d.spamtrap.nomination, undefined, 'an unusable nomination key is not indexed');
  assert.equal(d.email.origination_timestamp, undefined);
  const dd = doc as { source: { port?: number }; spamtrap: { message: { size?: number }; verdict: { confidence?: number } } };
  assert.equal(dd.source.port, undefined, 'out-of-range long dropped');
  assert.equal(dd.spamtrap.message.size, undefined);
  assert.equal(dd.spamtrap.verdict.confidence, undefined);

  const bare = verdictFixture({ evidenceId: ID });
  bare.parsed.mail = null;
  bare.dns = null;
  bare.parsed.walk.relay = null;
  bare.parsed.walk.hops = [];
  bare.parsed.rawBase64 = '';
  const b = buildEvidenceDoc(bare, { prefix: 'p' });
  for (const p of leafPaths(b.doc, '', new Set(), OPAQUE)) assert.ok(types.has(p), `bare field ${p}`);
});

test('session documents: trap addresses in the transcript are redacted by trap domain; dataset and peer are set', () => {
  const s = sessionFixture(ID, '203.0.113.9');
  s.transcript = ['CONNECT mx.example.net:25 HTTP/1.0', 'RCPT TO:<bob@traps.example.org>'];
  const { doc, index } = buildSessionDoc(s, { prefix: 'p', trapDomains: ['traps.example.org'] });
  assert.equal(index, 'p-evidence-2026.11');
  const json = JSON.stringify(doc);
  assert.ok(!json.includes('bob@traps.example.org'));
  assert.match(json, /RCPT TO:<trap-[0-9a-f]{8}>/);
  const d = doc as { event: { dataset: string }; source: { ip: string }; spamtrap: { smtp: { anomalies: string[] } } };
  assert.equal(d.event.dataset, 'spamtrap.session');
  assert.equal(d.source.ip, '203.0.113.9');
  assert.deepEqual(d.spamtrap.smtp.anomalies, ['PROXY_CONNECT']);
});
