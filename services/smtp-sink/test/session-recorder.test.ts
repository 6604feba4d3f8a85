// ConnectionRecord: transcript tap bounds, HTTP detection only in the dialogue, anomaly carrying.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionRecord } from '../src/session-recorder.js';
import { MAX_ANOMALIES, TRANSCRIPT_MAX_BYTES } from '../src/limits.js';
import { isEvidenceId } from '@spamtrap/contracts';

const rec = (): ConnectionRecord => new ConnectionRecord('s1', 'c1', { ip: '192.0.2.1', port: 1 }, { ip: '127.0.0.1', port: 25 }, null);

test('finds HTTP lines split over chunks, only once each', () => {
  const r = rec();
  assert.deepEqual(r.feed(Buffer.from('GET / HT')), []);
  const found = r.feed(Buffer.from('TP/1.1\r\nHost: x\r\n'));
  assert.deepEqual(found.map((f) => f.code), ['HTTP_REQUEST']);
  assert.deepEqual(r.feed(Buffer.from('\r\n')), []);
  assert.deepEqual(r.transcript().slice(0, 2), ['GET / HTTP/1.1', 'Host: x']);
});

test('message content after DATA is not read as a dialogue line', () => {
  const r = rec();
  const found = r.feed(Buffer.from('EHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\nGET / HTTP/1.1\r\n'));
  assert.deepEqual(found, []);
  assert.equal(r.tapFinished(), true);
});

test('the transcript is bounded', () => {
  const r = rec();
  r.feed(Buffer.alloc(TRANSCRIPT_MAX_BYTES * 4, 0x41));
  assert.equal(r.tapFinished(), true);
  assert.ok(r.transcript().join('').length <= 600);
});

test('anomalies are bounded and carried by raw facts once', () => {
  const r = rec();
  for (let i = 0; i < MAX_ANOMALIES + 10; i++) r.addAnomaly('X', 'y'.repeat(2000));
  assert.equal(r.anomalies.length, MAX_ANOMALIES);
  assert.ok(r.anomalies[0]!.detail!.length < 600);
  const facts = r.rawFacts({ evidenceId: 'e', transaction: 1, acceptedAt: 't', helo: null, heloVerb: null, tls: null, mailFrom: '', rcptTo: [], size: 0, sha256: '' }, []);
  assert.equal(facts.smtp?.anomalies.length, MAX_ANOMALIES);
  // Dropped anomalies still warrant a session record, which says how many were dropped.
  assert.equal(r.hasUncarriedAnomalies(), true);
  const s = r.sessionRecord(new Date());
  assert.ok(isEvidenceId(s.evidenceId));
  assert.equal(s.anomalies.at(-1)?.code, 'ANOMALIES_TRUNCATED');
});

test('uncarry restores anomalies when the raw record never reached Kafka', () => {
  const r = rec();
  r.addAnomaly('EARLY_TALKER');
  const before = r.carriedCount();
  r.rawFacts({ evidenceId: 'e', transaction: 1, acceptedAt: 't', helo: null, heloVerb: null, tls: null, mailFrom: '', rcptTo: [], size: 0, sha256: '' }, []);
  assert.equal(r.hasUncarriedAnomalies(), false);
  r.uncarry(before);
  assert.equal(r.hasUncarriedAnomalies(), true);
});

test('AUTH attempts: one AUTH_ATTEMPT per mechanism, the mechanism only; the transcript withholds the credentials', () => {
  const r = rec();
  const blob = Buffer.from('\0user\0secret').toString('base64');
  const user = Buffer.from('user').toString('base64');
  r.feed(Buffer.from(`EHLO x\r\nAUTH PLAIN ${blob}\r\nAUTH LOGIN\r\n${user}\r\nAUTH PLAIN ${blob}\r\nAUTH ${blob}\r\nQUIT\r\n`));
  for (const line of [`AUTH PLAIN ${blob}`, 'AUTH LOGIN', `AUTH PLAIN ${blob}`, `AUTH ${blob}`]) r.noteAuthAttempt(line);
  assert.deepEqual(
    r.anomalies.map((a) => [a.code, a.detail]),
    [
      ['AUTH_ATTEMPT', 'PLAIN'],
      ['AUTH_ATTEMPT', 'LOGIN'],
      ['AUTH_ATTEMPT', 'unknown'],
    ],
  );
  const t = r.transcript();
  assert.deepEqual(t, ['EHLO x', 'AUTH PLAIN [credentials withheld]', 'AUTH LOGIN', '[credentials withheld]', 'AUTH PLAIN [credentials withheld]', 'AUTH [credentials withheld]', 'QUIT']);
  const all = JSON.stringify(r.sessionRecord(new Date()));
  for (const secret of [blob, user]) assert.ok(!all.includes(secret), `${secret} in ${all}`);
});
