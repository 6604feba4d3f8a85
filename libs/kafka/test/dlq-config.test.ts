// DLQ record building (bounded error, header precedence, tombstones) and the Kafka config schema.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DLQ_HEADERS } from '@spamtrap/contracts';
import { ConfigError } from '@spamtrap/config';
import { buildDlqRecord, DLQ_ERROR_MAX_CHARS, loadKafkaConfig, pipelineTopicSpecs, readDlqHeaders, type IncomingRecord } from '../src/index.js';
import { prefixedTopics, TOPIC_MAX_RECORD_BYTES } from '@spamtrap/contracts';

const source: IncomingRecord = {
  topic: 'spamtrap.parsed',
  partition: 3,
  offset: '12345678901234',
  key: Buffer.from([0xff, 0x00, 0x41]),
  value: null,
  headers: { [DLQ_HEADERS.stage]: Buffer.from('forged'), keep: Buffer.from('me') },
  timestamp: '1700000000000',
};

void describe('buildDlqRecord', () => {
  void it('keeps key bytes and headers, writes our facts over forged ones, bounds the error', () => {
    const d = buildDlqRecord(source, { reason: 'DECODE_FAILED', error: 'x'.repeat(10_000) }, 'enricher', 'spamtrap.dlq', new Date('2026-01-01T00:00:00Z'));
    assert.equal(d.topic, 'spamtrap.dlq');
    assert.ok(Buffer.isBuffer(d.key) && d.key.equals(Buffer.from([0xff, 0x00, 0x41])));
    assert.equal(Buffer.byteLength(d.value), 0, 'a tombstone becomes an empty value');
    assert.equal(String(d.headers![DLQ_HEADERS.stage]), 'enricher');
    assert.equal(String(d.headers!.keep), 'me');
    assert.equal(String(d.headers![DLQ_HEADERS.offset]), '12345678901234');
    const info = JSON.parse(String(d.headers![DLQ_HEADERS.info]));
    assert.equal(info.error.length, DLQ_ERROR_MAX_CHARS);
    assert.equal(info.evidenceId, null);
    assert.equal(info.at, '2026-01-01T00:00:00.000Z');
    assert.equal(info.partition, 3);
  });

  void it('readDlqHeaders returns null for malformed info', () => {
    assert.equal(readDlqHeaders({ ...source, headers: { [DLQ_HEADERS.info]: Buffer.from('{not json') } }), null);
    assert.equal(readDlqHeaders({ ...source, headers: {} }), null);
  });
});

void describe('kafka config', () => {
  void it('defaults to the local broker', () => {
    const c = loadKafkaConfig({});
    assert.deepEqual(c.brokers, ['127.0.0.1:9092']);
    assert.ok(c.connectionTimeoutMs >= 3000, 'raised above kafkajs 1000 ms default');
  });
  void it('reads KAFKA_BROKERS and rejects a bad one with a line naming the variable', () => {
    assert.deepEqual(loadKafkaConfig({ KAFKA_BROKERS: 'a:1, b:2' }).brokers, ['a:1', 'b:2']);
    assert.throws(() => loadKafkaConfig({ KAFKA_BROKERS: 'nohostport' }), (e: unknown) => e instanceof ConfigError && /KAFKA_BROKERS/.test(e.message));
  });
  void it('requires credentials when SASL is on', () => {
    assert.throws(() => loadKafkaConfig({ KAFKA_SASL_MECHANISM: 'plain' }), /KAFKA_SASL_USERNAME/);
  });
});

void describe('pipelineTopicSpecs', () => {
  void it('gives every role its size limit', () => {
    const specs = pipelineTopicSpecs(prefixedTopics('x'));
    assert.equal(specs.length, 5);
    const raw = specs.find((s) => s.topic === 'x.spamtrap.raw')!;
    assert.equal(raw.maxMessageBytes, TOPIC_MAX_RECORD_BYTES.raw);
  });
});
