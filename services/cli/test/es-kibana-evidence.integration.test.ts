// `spamtrap es setup`, `kibana import` (against a loopback server checking the multipart request) and `evidence IP` on the real ES.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createEsStore, esConfigSchema, type EsStore } from '@spamtrap/es';
import { buildEvidenceDoc, buildNominationDoc, buildTemplates, indexNames, nominationAggregation, parseNominationAggregation } from '@spamtrap/es-schema';
import { verdictFixture } from '@spamtrap/es-schema/testing';
import { main } from '../src/main.js';

const PREFIX = `test-${randomUUID().slice(0, 8)}`;
const names = indexNames(PREFIX);
const TRAP = 'secret.trap@traps.example.org';
let store: EsStore;

async function run(argv: string[], env: Record<string, string | undefined> = process.env): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await main(argv, { stdout, stderr, stdin: Readable.from([]), env, cwd: process.cwd() });
  return { code, out, err };
}

const id = (n: number): string => `019a0000-0000-7000-8000-${String(n).padStart(12, '0')}`;

before(() => {
  store = createEsStore(esConfigSchema.load());
});

after(async () => {
  await store.deleteIndices(`${PREFIX}-*`);
  await store.deleteTemplates(buildTemplates({ prefix: PREFIX }));
  await store.close();
});

test('es setup installs templates and indices, and is idempotent', async () => {
  const first = await run(['es', 'setup', '--prefix', PREFIX]);
  assert.equal(first.code, 0, first.err);
  assert.match(first.out, new RegExp(`index ${names.nominations}: created`));
  const second = await run(['es', 'setup', '--prefix', PREFIX]);
  assert.equal(second.code, 0, second.err);
  assert.match(second.out, new RegExp(`index ${names.nominations}: exists`));
  const r = await fetch(`${esConfigSchema.load().node}/_index_template/${PREFIX}-evidence`);
  assert.equal(r.status, 200);
  const bad = await run(['es', 'setup', '--prefix', 'Bad Prefix']);
  assert.equal(bad.code, 2);
  const down = await run(['es', 'setup', '--prefix', PREFIX, '--es', 'http://127.0.0.1:9']);
  assert.equal(down.code, 1);
});

test('evidence IP prints the nomination and recent evidence, never the trap address; IPv6 shows the /64', async () => {
  await store.installTemplates(buildTemplates({ prefix: PREFIX }));
  const vs = [
    verdictFixture({ evidenceId: id(1), peerIp: '198.51.100.77', trap: TRAP, subject: `Hi ${TRAP}`, acceptedAt: '2026-11-18T10:00:00.000Z', helo: 'relay.example' }),
    verdictFixture({ evidenceId: id(2), peerIp: '198.51.100.77', trap: TRAP, acceptedAt: '2026-11-19T10:00:00.000Z', reasons: ['THIRD_PARTY_HANDOFF', 'RDNS_EMBEDS_IP'] }),
    verdictFixture({ evidenceId: id(3), peerIp: '2001:db8:5:6::1', key: '2001:db8:5:6::/64', cls: 'open_proxy_suspect', acceptedAt: '2026-11-19T11:00:00.000Z' }),
    verdictFixture({ evidenceId: id(4), peerIp: '2001:db8:5:6::2', key: '2001:db8:5:6::/64', cls: 'open_proxy_suspect', acceptedAt: '2026-11-19T12:00:00.000Z' }),
  ];
  const docs = vs.map((v) => buildEvidenceDoc(v, { prefix: PREFIX }));
  await store.bulkWrite(docs.map((d) => ({ op: 'index', index: d.index, id: d.id, doc: d.doc })), { refresh: 'wait_for' });
  const { query, aggs } = nominationAggregation(['198.51.100.77', '2001:db8:5:6::/64']);
  const views = parseNominationAggregation(await store.aggregate(names.evidencePattern, aggs, query));
  await store.bulkWrite(views.map((v) => ({ op: 'index', index: names.nominations, id: v.key, doc: buildNominationDoc(v, new Date().toISOString()), version: v.hits, versionType: 'external_gte' })), { refresh: 'wait_for' });

  const text = await run(['evidence', '198.51.100.77', '--prefix', PREFIX]);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /nomination 198\.51\.100\.77 {2}status suspect {2}hits 2/);
  assert.match(text.out, /first seen 2026-11-18T10:00:00\.000Z {2}last seen 2026-11-19T10:00:00\.000Z/);
  assert.match(text.out, /reasons: .*RDNS_EMBEDS_IP/);
  assert.match(text.out, /evidence \(newest first, 2 of 2\)/);
  assert.match(text.out, /helo relay\.example/);
  assert.ok(!text.out.toLowerCase().includes(TRAP), 'trap address must not be printed');
  assert.match(text.out, /subject "Hi trap-[0-9a-f]{8}"/);

  const json = await run(['evidence', '2001:db8:5:6::abcd', '--json', '--prefix', PREFIX]);
  assert.equal(json.code, 0, json.err);
  const o = JSON.parse(json.out) as { key: string; nomination: { hits: number; ips: string[] }; total: number; evidence: Array<{ id: string; sourceIp: string }> };
  assert.equal(o.key, '2001:db8:5:6::/64');
  assert.equal(o.nomination.hits, 2);
  assert.deepEqual([...o.nomination.ips].sort(), ['2001:db8:5:6::1', '2001:db8:5:6::2']);
  assert.deepEqual(o.evidence.map((e) => e.id), [id(4), id(3)]);

  // 192.0.2.77 is only claimed deeper in the chain: not the relaying peer, found with --related.
  const claimed = await run(['evidence', '192.0.2.77', '--json', '--prefix', PREFIX]);
  assert.equal((JSON.parse(claimed.out) as { total: number }).total, 0);
  const related = await run(['evidence', '192.0.2.77', '--json', '--related', '--prefix', PREFIX]);
  assert.equal((JSON.parse(related.out) as { total: number }).total, 4);

  const none = await run(['evidence', '203.0.113.250', '--prefix', PREFIX]);
  assert.equal(none.code, 0);
  assert.match(none.out, /no nomination[\s\S]*no evidence/);
  assert.equal((await run(['evidence', 'not-an-ip'])).code, 2);
});

/** Reads a request body fully. */
function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

test('kibana import sends the saved-objects multipart request Kibana expects', async () => {
  const seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];
  let answer: { status: number; json: unknown } = { status: 200, json: { success: true, successCount: 11 } };
  const server: Server = createServer((req, res) => {
    void body(req).then((b) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: b.toString('utf8') });
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.json));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const ok = await run(['kibana', 'import', '--url', url, '--prefix', 'prod', '--space', 'traps', '--user', 'u', '--password', 'p']);
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /spamtrap\.ndjson: imported 11 objects/);
    const req = seen[0]!;
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/s/traps/api/saved_objects/_import?overwrite=true');
    assert.equal(req.headers['kbn-xsrf'], 'true');
    assert.equal(req.headers['authorization'], `Basic ${Buffer.from('u:p').toString('base64')}`);
    const ct = String(req.headers['content-type']);
    const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(ct)?.[1];
    assert.ok(boundary, ct);
    const parts = req.body.split(`--${boundary}`).filter((p) => p.includes('Content-Disposition'));
    assert.equal(parts.length, 1);
    assert.match(parts[0]!, /Content-Disposition: form-data; name="file"; filename="spamtrap\.ndjson"/);
    const content = parts[0]!.split('\r\n\r\n').slice(1).join('\r\n\r\n').replace(/\r\n$/, '');
    const lines = content.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { type: string; attributes: { title: string } });
    assert.ok(lines.length >= 10);
    const titles = lines.filter((l) => l.type === 'index-pattern').map((l) => l.attributes.title).sort();
    assert.deepEqual(titles, ['prod-evidence-*', 'prod-nominations']);

    answer = { status: 200, json: { success: false, successCount: 9, errors: [{ type: 'lens', id: 'x', error: { type: 'missing_references' } }] } };
    const partial = await run(['kibana', 'import', '--url', url]);
    assert.equal(partial.code, 1);
    assert.match(partial.err, /lens x: missing_references/);
    answer = { status: 400, json: { message: 'Unsupported saved object version' } };
    assert.equal((await run(['kibana', 'import', '--url', url])).code, 1);
    assert.equal((await run(['kibana', 'import'])).code, 2);
    assert.equal((await run(['kibana', 'import', '--url', 'http://127.0.0.1:9'])).code, 1);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});
