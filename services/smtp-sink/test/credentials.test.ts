// Credentials never reach evidence: AUTH keeps its mechanism only; SASL response lines and HTTP auth tokens are withheld.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WITHHELD, redactLine, saslMechanism, withoutCredentials } from '../src/credentials.js';

// base64("\0user\0secret") and base64("user"), base64("secret"): what bots send.
const PLAIN_BLOB = Buffer.from('\0user\0secret').toString('base64');
const USER = Buffer.from('user').toString('base64');
const PASS = Buffer.from('secret').toString('base64');

test('saslMechanism names a registered mechanism, never an arbitrary word', () => {
  assert.equal(saslMechanism(`AUTH PLAIN ${PLAIN_BLOB}`), 'PLAIN');
  assert.equal(saslMechanism('auth login\r\n'), 'LOGIN');
  assert.equal(saslMechanism('AUTH cram-md5'), 'CRAM-MD5');
  assert.equal(saslMechanism('AUTH XOAUTH2 dXNlcj1...'), 'XOAUTH2');
  // A blob where the mechanism should be is a credential: not kept.
  assert.equal(saslMechanism(`AUTH ${PLAIN_BLOB}`), 'unknown');
  assert.equal(saslMechanism('AUTH'), 'none');
  assert.equal(saslMechanism('AUTH   '), 'none');
});

test('an AUTH line keeps its mechanism; its initial response and the lines answering it are withheld', () => {
  assert.deepEqual(redactLine(`AUTH PLAIN ${PLAIN_BLOB}`, false), { line: `AUTH PLAIN ${WITHHELD}`, afterAuth: true });
  assert.deepEqual(redactLine(`auth plain ${PLAIN_BLOB}\r`, false), { line: `auth plain ${WITHHELD}\r`, afterAuth: true });
  assert.deepEqual(redactLine('AUTH LOGIN', false), { line: 'AUTH LOGIN', afterAuth: true });
  assert.deepEqual(redactLine(`AUTH ${PLAIN_BLOB}`, false), { line: `AUTH ${WITHHELD}`, afterAuth: true });
  // AUTH LOGIN's user and password lines, '=' (empty response) and '*' (cancel).
  assert.deepEqual(redactLine(USER, true), { line: WITHHELD, afterAuth: true });
  assert.deepEqual(redactLine(PASS + '\r', true), { line: WITHHELD + '\r', afterAuth: true });
  assert.deepEqual(redactLine('=', true), { line: WITHHELD, afterAuth: true });
  // The same line without an AUTH before it, and commands after AUTH, are shown as sent.
  assert.deepEqual(redactLine(USER, false), { line: USER, afterAuth: false });
  assert.deepEqual(redactLine('QUIT', true), { line: 'QUIT', afterAuth: false });
  assert.deepEqual(redactLine('MAIL FROM:<a@b.example>', true), { line: 'MAIL FROM:<a@b.example>', afterAuth: false });
  // AUTHX is not AUTH.
  assert.deepEqual(redactLine(`AUTHX ${PLAIN_BLOB}`, false), { line: `AUTHX ${PLAIN_BLOB}`, afterAuth: false });
});

test('HTTP authorization headers in a proxied preamble keep their scheme only', () => {
  assert.equal(redactLine('Proxy-Authorization: Basic dXNlcjpwYXNz\r', false).line, `Proxy-Authorization: Basic ${WITHHELD}\r`);
  assert.equal(redactLine('authorization: dXNlcjpwYXNz', false).line, `authorization: ${WITHHELD}`);
  assert.equal(redactLine('Authorization:', false).line, 'Authorization:');
});

test('withoutCredentials works on whole reads, cut lines included, and leaves other bytes alone', () => {
  const read = Buffer.from(`EHLO x\r\nAUTH LOGIN\r\n${USER}\r\n${PASS}\r\nMAIL FROM:<a@b>\r\n`, 'latin1');
  const out = withoutCredentials(read).toString('latin1');
  assert.equal(out, `EHLO x\r\nAUTH LOGIN\r\n${WITHHELD}\r\n${WITHHELD}\r\nMAIL FROM:<a@b>\r\n`);
  // A quote cut in the middle of the blob.
  const cut = withoutCredentials(Buffer.from(`AUTH PLAIN ${PLAIN_BLOB}`.slice(0, 16))).toString();
  assert.ok(!cut.includes(PLAIN_BLOB.slice(0, 5)), cut);
  // Bytes that follow an AUTH line seen earlier (afterAuth).
  assert.equal(withoutCredentials(Buffer.from(`${PASS}\r\nQUIT\r\n`), true).toString(), `${WITHHELD}\r\nQUIT\r\n`);
  // No "auth" anywhere: the very same buffer comes back; 8-bit bytes survive the round trip.
  const other = Buffer.from('HELO x\r\nMAIL FROM:<\xe9@b>\r\n', 'latin1');
  assert.equal(withoutCredentials(other), other);
  const eight = Buffer.from(`\xe9\xff\r\nAUTH PLAIN ${PLAIN_BLOB}\r\n`, 'latin1');
  assert.deepEqual(withoutCredentials(eight), Buffer.from(`\xe9\xff\r\nAUTH PLAIN ${WITHHELD}\r\n`, 'latin1'));
});
