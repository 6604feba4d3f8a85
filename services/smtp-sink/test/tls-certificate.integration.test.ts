// The sink's TLS certificate: generated per install when none is configured (never smtp-server's public test pair), or the configured files.
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { test } from 'node:test';
import getTLSOptions from 'smtp-server/lib/tls-options.js';
import { loadTlsMaterial } from '../src/tls-certificate.js';
import { startTestSink } from './helpers.js';

const builtIn = new X509Certificate(String(getTLSOptions({}).cert));

test('no files configured: a self-signed RSA 2048 certificate for the server name, generated, valid now and for years', async () => {
  const m = await loadTlsMaterial('', '', 'mx1.trap.example');
  assert.equal(m.source, 'generated');
  const cert = new X509Certificate(String(m.cert));
  assert.match(cert.subject, /CN=mx1\.trap\.example/);
  assert.equal(cert.subjectAltName, 'DNS:mx1.trap.example');
  assert.equal(cert.publicKey.asymmetricKeyType, 'rsa');
  assert.equal(cert.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
  assert.ok(cert.verify(cert.publicKey), 'self-signed: verifies with its own key');
  assert.ok(cert.checkPrivateKey(createPrivateKey(String(m.key))), 'the key belongs to the certificate');
  assert.ok(Date.parse(cert.validFrom) < Date.now() && Date.parse(cert.validTo) > Date.now() + 2 * 365 * 86_400_000, `${cert.validFrom} .. ${cert.validTo}`);
  assert.notEqual(cert.fingerprint256, builtIn.fingerprint256);
  assert.equal(m.fingerprint, cert.fingerprint256);
});

test('one generated pair per server name in a process; another name gets its own', async () => {
  const a = await loadTlsMaterial('', '', 'mx1.trap.example');
  const b = await loadTlsMaterial('', '', 'mx1.trap.example');
  const c = await loadTlsMaterial('', '', 'mx2.trap.example');
  assert.equal(a, b);
  assert.notEqual(new X509Certificate(String(a.cert)).fingerprint256, new X509Certificate(String(c.cert)).fingerprint256);
});

test('configured files are used as they are', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sink-tls-'));
  try {
    const pair = await loadTlsMaterial('', '', 'files.trap.example');
    writeFileSync(join(dir, 'key.pem'), pair.key);
    writeFileSync(join(dir, 'cert.pem'), pair.cert);
    const m = await loadTlsMaterial(join(dir, 'key.pem'), join(dir, 'cert.pem'), 'ignored.example');
    assert.equal(m.source, join(dir, 'cert.pem'));
    assert.equal(m.fingerprint, undefined);
    assert.equal(String(m.cert), String(pair.cert));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a running sink presents its generated certificate on the implicit-TLS port and after STARTTLS', async () => {
  const { sink, port } = await startTestSink({ tlsListen: '127.0.0.1:0' });
  const peerCert = (s: TLSSocket): Promise<X509Certificate> =>
    new Promise((res, rej) => {
      s.once('secureConnect', () => res(s.getPeerX509Certificate()!));
      s.once('error', rej);
    });
  try {
    const smtps = tlsConnect({ host: '127.0.0.1', port: sink.tlsAddress!.port, rejectUnauthorized: false });
    const implicit = await peerCert(smtps);
    smtps.destroy();
    assert.match(implicit.subject, /CN=sink\.test/);
    assert.notEqual(implicit.fingerprint256, builtIn.fingerprint256);

    // STARTTLS on the plain port: greeting, EHLO, STARTTLS, 220, then the handshake on the same socket.
    const { connect } = await import('node:net');
    const plain = connect(port, '127.0.0.1');
    const lines: string[] = [];
    const waitFor = (re: RegExp): Promise<void> =>
      new Promise((res) => {
        const check = (): void => {
          if (lines.some((l) => re.test(l))) {
            plain.off('data', onData);
            res();
          }
        };
        const onData = (d: Buffer): void => {
          lines.push(...String(d).split('\r\n'));
          check();
        };
        plain.on('data', onData);
        check();
      });
    await waitFor(/^220 /);
    plain.write('EHLO tls.example\r\n');
    await waitFor(/^250 /);
    lines.length = 0;
    plain.write('STARTTLS\r\n');
    await waitFor(/^220 /);
    const upgraded = tlsConnect({ socket: plain, rejectUnauthorized: false, servername: 'sink.test' });
    const starttls = await peerCert(upgraded);
    upgraded.destroy();
    assert.equal(starttls.fingerprint256, implicit.fingerprint256);
  } finally {
    await sink.stop();
  }
});
