// The Kafka readiness probe's wire format: request bytes, response decoding, partial and hostile frames.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMetadataResponse, encodeMetadataRequest } from '../src/kafka-wire.js';

function str(s: string | null): Buffer {
  if (s === null) return Buffer.from([0xff, 0xff]);
  const b = Buffer.from(s);
  const len = Buffer.alloc(2);
  len.writeInt16BE(b.length);
  return Buffer.concat([len, b]);
}
const i32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
function frame(body: Buffer): Buffer {
  return Buffer.concat([i32(body.length), body]);
}

test('the request is a size-prefixed Metadata v1 asking for no topics', () => {
  const req = encodeMetadataRequest(77, 'abc');
  assert.equal(req.readInt32BE(0), req.length - 4);
  assert.equal(req.readInt16BE(4), 3); // Metadata
  assert.equal(req.readInt16BE(6), 1); // v1
  assert.equal(req.readInt32BE(8), 77);
  assert.equal(req.toString('utf8', 14, 17), 'abc');
  assert.equal(req.readInt32BE(17), 0); // empty topic array
  assert.equal(req.length, 21);
});

const response = frame(Buffer.concat([i32(77), i32(1), i32(1), str('127.0.0.1'), i32(9092), str(null), i32(1), i32(0)]));

test('a full response decodes to brokers and controller', () => {
  assert.deepEqual(decodeMetadataResponse(response, 77), { brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092 }], controllerId: 1 });
});

test('partial frames wait for more bytes; every prefix is either null or the full answer', () => {
  for (let n = 0; n < response.length; n++) assert.equal(decodeMetadataResponse(response.subarray(0, n), 77), null, `prefix ${n}`);
});

test('foreign or malformed replies are errors, not readiness', () => {
  assert.throws(() => decodeMetadataResponse(response, 78), /correlation id mismatch/);
  assert.throws(() => decodeMetadataResponse(frame(Buffer.concat([i32(77), i32(5)])), 77), /truncated/);
  assert.throws(() => decodeMetadataResponse(frame(Buffer.concat([i32(77), i32(-3)])), 77), /bad broker count/);
  assert.throws(() => decodeMetadataResponse(Buffer.from('HTTP/1.1 400 Bad'), 77), /bad frame size/);
  // a broker entry whose host length runs past the frame
  assert.throws(() => decodeMetadataResponse(frame(Buffer.concat([i32(77), i32(1), i32(1), Buffer.from([0x7f, 0xff])])), 77), /truncated/);
});
