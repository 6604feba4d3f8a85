// The DNS test server answers like a real one: records, NXDOMAIN, SERVFAIL, REFUSED, silence, delays, and logs every query.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Resolver } from 'node:dns/promises';
import { TestDnsServer, ptrName4 } from '../src/index.js';

const server = await TestDnsServer.start({
  'mail.example.test': { A: ['192.0.2.10', '192.0.2.11'], AAAA: ['2001:db8::10'], ttl: 42 },
  [ptrName4('192.0.2.10')]: { PTR: ['mail.example.test'] },
  'fail.example.test': { rcode: 'SERVFAIL' },
  'refused.example.test': { rcode: 'REFUSED' },
  'silent.example.test': { drop: true },
  'slow.example.test': { A: ['192.0.2.99'], delayMs: 300 },
  'empty.example.test': {},
});
after(() => server.close());

function resolver(timeout = 2000): Resolver {
  const r = new Resolver({ timeout, tries: 1 });
  r.setServers([server.address]);
  return r;
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? 'UNKNOWN';
  }
}

test('A, AAAA and PTR records with TTLs', async () => {
  const r = resolver();
  assert.deepEqual(await r.resolve4('mail.example.test', { ttl: true }), [{ address: '192.0.2.10', ttl: 42 }, { address: '192.0.2.11', ttl: 42 }]);
  assert.deepEqual(await r.resolve6('mail.example.test'), ['2001:db8::10']);
  assert.deepEqual(await r.resolvePtr(ptrName4('192.0.2.10')), ['mail.example.test']);
  assert.deepEqual(await r.reverse('192.0.2.10'), ['mail.example.test']);
});

test('unknown names are NXDOMAIN, known names without the type are NODATA', async () => {
  const r = resolver();
  assert.equal(await code(r.resolve4('nope.example.test')), 'ENOTFOUND');
  assert.equal(await code(r.resolve4('empty.example.test')), 'ENODATA');
});

test('SERVFAIL, REFUSED and silence reach the client as errors', async () => {
  const r = resolver(300);
  assert.equal(await code(r.resolve4('fail.example.test')), 'ESERVFAIL');
  assert.equal(await code(r.resolve4('refused.example.test')), 'EREFUSED');
  const t0 = Date.now();
  assert.equal(await code(r.resolve4('silent.example.test')), 'ETIMEOUT');
  assert.ok(Date.now() - t0 < 3000);
});

test('delays are honoured and every query is logged; changes apply at once', async () => {
  server.clearLog();
  const r = resolver();
  const t0 = Date.now();
  assert.deepEqual(await r.resolve4('slow.example.test'), ['192.0.2.99']);
  assert.ok(Date.now() - t0 >= 250);
  assert.equal(server.count('slow.example.test', 'A'), 1);
  server.set('slow.example.test', { A: ['192.0.2.98'] });
  assert.deepEqual(await r.resolve4('SLOW.example.test'), ['192.0.2.98']);
  assert.equal(server.count('slow.example.test'), 2);
  server.delete('slow.example.test');
  assert.equal(await code(r.resolve4('slow.example.test')), 'ENOTFOUND');
});

test('junk datagrams are ignored and the server keeps answering', async () => {
  const { createSocket } = await import('node:dgram');
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.send(Buffer.from([1, 2, 3]), server.port, '127.0.0.1', () => resolve()));
  s.close();
  assert.deepEqual(await resolver().resolve6('mail.example.test'), ['2001:db8::10']);
});
