// The sink's TLS key and certificate: the configured PEM files, or a self-signed pair generated at start.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { generate } from 'selfsigned';

export interface TlsMaterial {
  key: Buffer | string;
  cert: Buffer | string;
  /** Where it came from, for the start-up log: the certificate file, or `generated`. */
  source: string;
  /** SHA-256 fingerprint of a generated certificate (colon-separated hex), so operators can recognise it. */
  fingerprint?: string;
}

/** Validity of a generated certificate: bots ignore expiry, but a trap runs for years between restarts. */
const GENERATED_VALID_DAYS = 825;

// One generated pair per process and server name: tests start many sinks, and an RSA key costs ~0.1 s.
const generated = new Map<string, Promise<TlsMaterial>>();

/**
 * RSA 2048 with SHA-256, not ECDSA: spamware links whatever old TLS library it was built with, and RSA is the
 * one every TLS client since SSLv3 can use. Subject and SAN are the sink's own name, as in its greeting.
 */
function generateSelfSigned(serverName: string): Promise<TlsMaterial> {
  const now = new Date();
  const notAfter = new Date(now.getTime() + GENERATED_VALID_DAYS * 86_400_000);
  return generate([{ name: 'commonName', value: serverName }], {
    keyType: 'rsa',
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 3_600_000), // clients with a slow clock still see it as valid
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: serverName }] },
    ],
  }).then((r) => ({ key: r.private, cert: r.cert, source: 'generated', fingerprint: new X509Certificate(r.cert).fingerprint256 }));
}

/** The configured files when both are set (the config schema requires both or neither), else a generated pair. */
export function loadTlsMaterial(keyFile: string, certFile: string, serverName: string): Promise<TlsMaterial> {
  if (keyFile !== '') return Promise.resolve({ key: readFileSync(keyFile), cert: readFileSync(certFile), source: certFile });
  let pair = generated.get(serverName);
  if (pair === undefined) generated.set(serverName, (pair = generateSelfSigned(serverName)));
  return pair;
}
