// Unit tests of the bulk building blocks: NDJSON lines, response parsing, backoff bounds, BulkBuffer failure handling.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BulkBuffer } from '../src/bulk-buffer.js';
import { bulkWithRetry } from '../src/bulk-retry.js';
import { parseBulkItems } from '../src/bulk-response.js';
import { EsRequestError, EsUnavailableError } from '../src/errors.js';
import { opByteSize, opToNdjson } from '../src/ndjson.js';
import { backoffDelay } from '../src/retry.js';
import type { BulkItemResult, BulkOp } from '../src/types.js';

const lines = (op: BulkOp) => opToNdjson(op).trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);

test('ndjson: each op type renders the ES action and source lines', () => {
  assert.deepEqual(lines({ op: 'index', index: 'i', id: 'a', doc: { x: 1 }, version: 3 }), [{ index: { _index: 'i', _id: 'a', version: 3, version_type: 'external_gte' } }, { x: 1 }]);
  assert.deepEqual(lines({ op: 'index', index: 'i', id: 'a', doc: {}, ifSeqNo: 4, ifPrimaryTerm: 1 }), [{ index: { _index: 'i', _id: 'a', if_seq_no: 4, if_primary_term: 1 } }, {}]);
  assert.deepEqual(lines({ op: 'create', index: 'i', id: 'a', doc: { y: 'z' } }), [{ create: { _index: 'i', _id: 'a' } }, { y: 'z' }]);
  assert.deepEqual(lines({ op: 'update', index: 'i', id: 'a', doc: { n: 1 }, docAsUpsert: true, retryOnConflict: 2 }), [
    { update: { _index: 'i', _id: 'a', retry_on_conflict: 2 } },
    { doc: { n: 1 }, doc_as_upsert: true },
  ]);
  assert.deepEqual(lines({ op: 'delete', index: 'i', id: 'a' }), [{ delete: { _index: 'i', _id: 'a' } }]);
});

test('ndjson: hostile strings stay inside one JSON line (newlines, NUL, U+2028) and size counts UTF-8 bytes', () => {
  const op: BulkOp = { op: 'create', index: 'i', id: 'x\n{"delete":{}}', doc: { subject: 'a\nb\r\n\u0000\u2028é' } };
  const text = opToNdjson(op);
  assert.equal(text.split('\n').length, 3, 'action line, source line, trailing newline');
  assert.deepEqual(lines(op)[1], { subject: 'a\nb\r\n\u0000\u2028é' });
  assert.equal(opByteSize(op), Buffer.byteLength(text));
});

test('parseBulkItems: errors with caused_by, ok items with seq_no, count mismatch throws', () => {
  const r = parseBulkItems(
    {
      errors: true,
      items: [
        { create: { status: 201, result: 'created', _seq_no: 7, _primary_term: 1, _version: 1 } },
        { index: { status: 400, error: { type: 'mapper_parsing_exception', reason: 'failed to parse', caused_by: { type: 'x', reason: 'bad ip' } } } },
        { delete: { status: 404, result: 'not_found' } },
      ],
    },
    3,
  );
  assert.deepEqual(r[0], { ok: true, status: 201, result: 'created', seqNo: 7, primaryTerm: 1, version: 1 });
  assert.deepEqual(r[1], { ok: false, status: 400, type: 'mapper_parsing_exception', reason: 'failed to parse (bad ip)' });
  assert.equal(r[2]!.ok, true);
  assert.throws(() => parseBulkItems({ items: [] }, 1));
});

test('backoff doubles, is capped, and stays within +-25% jitter', () => {
  const p = { initialDelayMs: 100, maxDelayMs: 1_000, maxTotalMs: 10_000 };
  for (let i = 0; i < 50; i++) {
    const d1 = backoffDelay(p, 1);
    const d3 = backoffDelay(p, 3);
    const d9 = backoffDelay(p, 9);
    assert.ok(d1 >= 75 && d1 <= 125, String(d1));
    assert.ok(d3 >= 300 && d3 <= 500, String(d3));
    assert.ok(d9 >= 750 && d9 <= 1_250, String(d9));
  }
});

test('bulkWithRetry: permanent request errors are not retried', async () => {
  let calls = 0;
  const send = () => {
    calls += 1;
    return Promise.reject(new EsRequestError('bad', 400, 'parse_exception'));
  };
  await assert.rejects(bulkWithRetry(send, [{ op: 'delete', index: 'i', id: 'a' }], {}, { initialDelayMs: 1, maxDelayMs: 1, maxTotalMs: 1_000 }), EsRequestError);
  assert.equal(calls, 1);
});

test('bulkWithRetry: items still rejected after the budget throw EsUnavailableError carrying the results', async () => {
  const send = (ops: readonly BulkOp[]) => Promise.resolve(ops.map((): BulkItemResult => ({ ok: false, status: 429, type: 'es_rejected_execution_exception', reason: 'full' })));
  await assert.rejects(bulkWithRetry(send, [{ op: 'delete', index: 'i', id: 'a' }], {}, { initialDelayMs: 5, maxDelayMs: 10, maxTotalMs: 50 }), (e: unknown) => {
    assert.ok(e instanceof EsUnavailableError);
    assert.equal(e.results?.length, 1);
    return true;
  });
});

test('BulkBuffer: a failed batch rejects each of its adds; the next batch still goes out', async () => {
  let call = 0;
  const store = {
    bulkWrite: (ops: readonly BulkOp[]) => {
      call += 1;
      return call === 1 ? Promise.reject(new EsUnavailableError('down')) : Promise.resolve(ops.map((): BulkItemResult => ({ ok: true, status: 201, result: 'created' })));
    },
  };
  const buf = new BulkBuffer(store, { maxDocs: 2, maxWaitMs: 10_000 });
  const a = buf.add({ op: 'delete', index: 'i', id: '1' });
  const b = buf.add({ op: 'delete', index: 'i', id: '2' });
  const c = buf.add({ op: 'delete', index: 'i', id: '3' });
  assert.equal(buf.size, 1);
  await buf.flush();
  await assert.rejects(a, EsUnavailableError);
  await assert.rejects(b, EsUnavailableError);
  assert.equal((await c).ok, true);
  assert.throws(() => new BulkBuffer(store, { maxDocs: 0 }), RangeError);
});
