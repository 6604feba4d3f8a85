// Parser configuration: defaults, per-sink trust syntax, one line per mistake, exit 78 from main.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@spamtrap/config';
import { loadParserConfig, parseSinkTrust, parserConfigSchema } from '@spamtrap/parser';

test('defaults are the pipeline topics and an empty trust list', () => {
  const c = loadParserConfig({});
  assert.equal(c.inputTopic, 'spamtrap.raw');
  assert.equal(c.outputTopic, 'spamtrap.parsed');
  assert.equal(c.dlqTopic, 'spamtrap.dlq');
  assert.deepEqual(c.trusted, []);
  assert.deepEqual(c.sinkTrust, {});
});

test('PARSER_SINK_TRUST and PARSER_TRUSTED parse', () => {
  const c = loadParserConfig({ PARSER_TRUSTED: '*.mx.example.net, 192.0.2.0/24', PARSER_SINK_TRUST: 'sinkA=*.a.example.net,198.51.100.0/24; sinkB=2001:db8::/32' });
  assert.deepEqual(c.trusted, ['*.mx.example.net', '192.0.2.0/24']);
  assert.deepEqual(c.sinkTrust, { sinkA: ['*.a.example.net', '198.51.100.0/24'], sinkB: ['2001:db8::/32'] });
  assert.throws(() => parseSinkTrust('noequals'), /expected sinkId=entry/);
  assert.throws(() => parseSinkTrust('a=1.2.3.4;a=5.6.7.8'), /given twice/);
});

test('every mistake is one line naming the variable', () => {
  try {
    loadParserConfig({ PARSER_TRUSTED: 'exa*mple', PARSER_SINK_TRUST: 'sinkA=999.1.1.1/8', PARSER_MAX_URLS: 'many' });
    assert.fail('expected ConfigError');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.lines.length, 3);
    assert.match(err.lines[0]!, /^parser: PARSER_TRUSTED=/);
    assert.match(err.lines[1]!, /^parser: PARSER_SINK_TRUST=.*sink "sinkA"/);
    assert.match(err.lines[2]!, /^parser: PARSER_MAX_URLS=/);
  }
  assert.throws(() => loadParserConfig({ PARSER_OUTPUT_TOPIC: 'spamtrap.raw' }), /must differ/);
});

test('describe() documents every setting', () => {
  const table = parserConfigSchema.describe();
  for (const v of ['PARSER_TRUSTED', 'PARSER_SINK_TRUST', 'PARSER_MAX_PARSED_RECORD_BYTES', 'KAFKA_BROKERS']) assert.ok(table.includes(v), v);
});

test('main exits 78 with one line per config mistake', () => {
  const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
  const r = spawnSync(process.execPath, ['--import', 'tsx', main], {
    env: { ...process.env, PARSER_TRUSTED: '*bad*', PARSER_MAX_BATCH: '0' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(r.status, 78, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 2, r.stderr);
  assert.ok(lines.every((l) => l.startsWith('parser: ')));
});
