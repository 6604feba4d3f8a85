// Unit tests of parseRecord: facts decoding, integrity, hop walk with session facts, MIME facts, DLQ reasons, replay determinism.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeParsed, type RawFacts } from '@spamtrap/contracts';
import type { RecordOutcome } from '@spamtrap/kafka';
import { createParseHandler, createTrustResolver, parseRecord, PARSER_DLQ_REASONS, RAW_TOO_LARGE_FOR_TOPIC, type ParseContext } from '@spamtrap/parser';
import * as M from '../../../libs/mail-facts/test/messages.js';
import { importFacts, rawIncoming, smtpFacts, trapMessage } from './fixtures.js';

const ctx = (over: Partial<ParseContext> = {}): ParseContext => ({
  parsedTopic: 'spamtrap.parsed',
  trust: createTrustResolver(['192.0.2.0/24'], { sinkA: ['*.trap.example'] }),
  maxParsedRecordBytes: 32 * 1024 * 1024,
  ...over,
});

function okValue(o: RecordOutcome): Buffer {
  assert.equal(o.kind, 'ok', JSON.stringify(o));
  if (o.kind !== 'ok') throw new Error('unreachable');
  assert.equal(o.outputs.length, 1);
  const v = o.outputs[0]!.value;
  return Buffer.isBuffer(v) ? v : Buffer.from(v);
}

function dlq(o: RecordOutcome): { reason: string; error?: string; evidenceId?: string | null } {
  assert.equal(o.kind, 'dlq', JSON.stringify(o));
  if (o.kind !== 'dlq') throw new Error('unreachable');
  return o;
}

test('smtp record: parsed record keyed by evidence id, session peer is the relay, MIME facts present', async () => {
  const raw = trapMessage('alpha');
  const facts = smtpFacts(raw);
  const out = await parseRecord(rawIncoming(raw, facts), ctx());
  assert.equal(out.kind, 'ok');
  if (out.kind !== 'ok') return;
  assert.equal(out.outputs[0]!.topic, 'spamtrap.parsed');
  assert.equal(out.outputs[0]!.key, facts.evidenceId);
  const p = decodeParsed(okValue(out));
  assert.equal(p.evidenceId, facts.evidenceId);
  assert.deepEqual(p.facts, facts);
  assert.equal(p.walk.hops.length, 2);
  assert.equal(p.walk.relay?.ip, '198.51.100.23');
  assert.equal(p.walk.relay?.source, 'session');
  assert.equal(p.walk.relay?.helo, 'helo.forged.example');
  assert.equal(p.mail?.subject, 'Offer alpha');
  assert.deepEqual(p.mail?.urlDomains, ['example.com']);
  assert.equal(Buffer.from(p.rawBase64, 'base64').equals(raw), true);
  assert.equal(p.parsedAt, facts.smtp!.acceptedAt);
});

test('import record: no session, the walk uses the trust list from the record', async () => {
  const raw = trapMessage('beta');
  const facts = importFacts(raw);
  const p = decodeParsed(okValue(await parseRecord(rawIncoming(raw, facts), ctx())));
  assert.equal(p.walk.boundary, 0);
  assert.equal(p.walk.relay?.source, 'header');
  assert.equal(p.walk.relay?.ip, '198.51.100.23');
  assert.equal(p.parsedAt, '2022-11-02T00:00:00.000Z');
});

test('the encoded record is exactly JSON.stringify of the record (rawBase64 spliced in), even with a nested rawBase64 key', async () => {
  for (const raw of [trapMessage('splice'), M.EIGHT_BIT, M.junk(1000), Buffer.alloc(0), Buffer.from('a'), Buffer.from('ab')]) {
    const facts = smtpFacts(raw) as RawFacts & { rawBase64?: string };
    facts.rawBase64 = '';
    const value = okValue(await parseRecord(rawIncoming(raw, facts), ctx()));
    const p = decodeParsed(value);
    assert.equal(p.rawBase64, raw.toString('base64'));
    assert.equal(value.toString('utf8'), JSON.stringify(p));
  }
});

test('replaying the same input yields byte-identical output', async () => {
  for (const [raw, facts] of [
    [trapMessage('gamma'), smtpFacts(trapMessage('gamma'))],
    [M.ATTACHMENTS, importFacts(M.ATTACHMENTS)],
    [M.UNTERMINATED, smtpFacts(M.UNTERMINATED)],
  ] as [Buffer, RawFacts][]) {
    const a = okValue(await parseRecord(rawIncoming(raw, facts), ctx()));
    const b = okValue(await parseRecord(rawIncoming(raw, facts), ctx({ trust: createTrustResolver(['192.0.2.0/24'], { sinkA: ['*.trap.example'] }) })));
    assert.equal(a.equals(b), true);
  }
});

test('facts header problems go to the DLQ with the contract reason', async () => {
  const raw = trapMessage('delta');
  assert.equal(dlq(await parseRecord(rawIncoming(raw, null), ctx())).reason, PARSER_DLQ_REASONS.missingFacts);
  assert.equal(dlq(await parseRecord(rawIncoming(raw, '{not json'), ctx())).reason, 'DECODE_FAILED');
  assert.equal(dlq(await parseRecord(rawIncoming(raw, JSON.stringify({ ...smtpFacts(raw), v: 2 })), ctx())).reason, 'CONTRACT_VIOLATION');
  assert.equal(dlq(await parseRecord(rawIncoming(raw, JSON.stringify({ ...smtpFacts(raw), evidenceId: 'x' })), ctx())).reason, 'CONTRACT_VIOLATION');
  const noPeer = smtpFacts(raw);
  (noPeer.smtp as unknown as Record<string, unknown>)['peer'] = null;
  const d = dlq(await parseRecord(rawIncoming(raw, noPeer), ctx()));
  assert.equal(d.reason, 'CONTRACT_VIOLATION');
  assert.equal(d.evidenceId, noPeer.evidenceId);
});

test('size or sha256 mismatch -> INTEGRITY_MISMATCH with the evidence id', async () => {
  const raw = trapMessage('epsilon');
  const facts = smtpFacts(raw);
  const tampered = Buffer.from(raw);
  tampered[tampered.length - 3] = 0x21;
  const d1 = dlq(await parseRecord(rawIncoming(tampered, facts), ctx()));
  assert.equal(d1.reason, PARSER_DLQ_REASONS.integrity);
  assert.equal(d1.evidenceId, facts.evidenceId);
  assert.match(d1.error ?? '', /sha256/);
  const d2 = dlq(await parseRecord(rawIncoming(raw.subarray(1), facts), ctx()));
  assert.equal(d2.reason, PARSER_DLQ_REASONS.integrity);
  assert.match(d2.error ?? '', /size/);
  assert.equal(dlq(await parseRecord(rawIncoming(null, facts), ctx())).reason, PARSER_DLQ_REASONS.integrity);
});

test('an invalid trust entry in the record -> INVALID_TRUST_LIST', async () => {
  const raw = trapMessage('zeta');
  const d = dlq(await parseRecord(rawIncoming(raw, smtpFacts(raw, { trusted: ['*bad*'] })), ctx()));
  assert.equal(d.reason, PARSER_DLQ_REASONS.trust);
});

test('trust lists: record ∪ per-sink ∪ default, cached per combination', () => {
  const resolve = createTrustResolver(['192.0.2.0/24'], { sinkA: ['*.sinka.example'], sinkB: ['10.0.0.0/8'] });
  const raw = trapMessage('eta');
  const a = resolve(smtpFacts(raw));
  assert.deepEqual(a.entries, ['mx1.trap.example', '*.sinka.example', '192.0.2.0/24']);
  assert.equal(resolve(smtpFacts(raw)), a);
  assert.deepEqual(resolve(importFacts(raw)).entries, ['mx1.trap.example', '192.0.2.0/24']);
  const b = smtpFacts(raw);
  b.smtp!.sinkId = 'sinkB';
  assert.deepEqual(resolve(b).entries, ['mx1.trap.example', '10.0.0.0/8', '192.0.2.0/24']);
});

test('malformed and adversarial messages always produce a parsed record, never a DLQ or a throw', async () => {
  const cases: [string, Buffer][] = [
    ['plain', M.PLAIN],
    ['alternative', M.ALTERNATIVE],
    ['attachments', M.ATTACHMENTS],
    ['encoded', M.ENCODED_SUBJECT],
    ['8bit', M.EIGHT_BIT],
    ['unterminated', M.UNTERMINATED],
    ['nul', M.NUL_BYTES],
    ['junk', M.junk(20_000)],
    ['1MB header', M.hugeHeader(1024 * 1024 + 100)],
    ['10k headers', M.manyHeaders(10_000)],
    ['empty body', M.EMPTY_BODY],
    ['no headers', M.NO_HEADERS],
    ['empty', Buffer.alloc(0)],
  ];
  for (const [name, raw] of cases) {
    const p = decodeParsed(okValue(await parseRecord(rawIncoming(raw, smtpFacts(raw)), ctx())));
    assert.equal(Buffer.from(p.rawBase64, 'base64').equals(raw), true, name);
    if (name === 'empty') assert.equal(p.mail, null);
    else assert.ok(p.mail !== null || p.issues.length > 0, name);
  }
});

test('a record too large for the parsed topic drops rawBase64 with RAW_TOO_LARGE_FOR_TOPIC; if still too large, DLQ', async () => {
  const raw = M.ATTACHMENTS;
  const facts = smtpFacts(raw);
  const full = okValue(await parseRecord(rawIncoming(raw, facts), ctx()));
  const p = decodeParsed(okValue(await parseRecord(rawIncoming(raw, facts), ctx({ maxParsedRecordBytes: full.length - 1 }))));
  assert.equal(p.rawBase64, '');
  assert.equal(p.issues.at(-1)?.code, RAW_TOO_LARGE_FOR_TOPIC);
  assert.equal(p.mail?.attachments.length, 2);
  assert.equal(dlq(await parseRecord(rawIncoming(raw, facts), ctx({ maxParsedRecordBytes: 500 }))).reason, PARSER_DLQ_REASONS.tooLarge);
});

test('an unexpected exception becomes PARSER_ERROR for that record only', async () => {
  const raw = trapMessage('theta');
  const facts = smtpFacts(raw);
  const broken: ParseContext = {
    ...ctx(),
    get parsedTopic(): string {
      throw new Error('boom');
    },
  };
  const handler = createParseHandler(broken);
  const outs = await handler([rawIncoming(raw, facts, 0), rawIncoming(raw, null, 1)]);
  assert.equal(outs.length, 2);
  const d = dlq(outs[0]!);
  assert.equal(d.reason, PARSER_DLQ_REASONS.error);
  assert.match(d.error ?? '', /boom/);
  assert.equal(d.evidenceId, facts.evidenceId);
  assert.equal(dlq(outs[1]!).reason, PARSER_DLQ_REASONS.missingFacts);
});
