// The sink's config schema: defaults, required trap list, one line per mistake.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '@spamtrap/config';
import { sinkConfigSchema, splitHostPort } from '../src/config.js';

test('defaults load with only the trap list', () => {
  const c = sinkConfigSchema.load({ SINK_TRAP_DOMAINS: 'trap.example' });
  assert.equal(c.listen, '127.0.0.1:2525');
  assert.equal(c.metricsListen, '127.0.0.1:9325');
  assert.equal(c.topicRaw, 'spamtrap.raw');
  assert.deepEqual(c.trapDomains, ['trap.example']);
  assert.equal(sinkConfigSchema.load({ SINK_TRAP_DOMAINS: 'trap.example', SINK_METRICS_LISTEN: 'off' }).metricsListen, 'off');
  assert.equal(c.publishLingerMs, 0); // SMTP clients wait for the 250: a linger is pure latency (docs/smtp-sink.md)
});

test('mistakes are reported one line each, naming the variable', () => {
  try {
    sinkConfigSchema.load({ SINK_TRAP_DOMAINS: 'trap', SINK_PROXY_FROM: 'not-an-ip', SINK_MAX_RECIPIENTS: 'lots' });
    assert.fail('expected ConfigError');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.lines.length, 3);
    assert.match(err.lines.join('\n'), /SINK_TRAP_DOMAINS/);
    assert.match(err.lines.join('\n'), /SINK_PROXY_FROM/);
    assert.match(err.lines.join('\n'), /SINK_MAX_RECIPIENTS/);
  }
  assert.throws(() => sinkConfigSchema.load({}), /SINK_TRAP_DOMAINS is required/);
  assert.throws(() => sinkConfigSchema.load({ SINK_TRAP_DOMAINS: 'trap.example', SINK_TLS_KEY: '/k.pem' }), /SINK_TLS_KEY and SINK_TLS_CERT/);
});

test('host:port splitting', () => {
  assert.deepEqual(splitHostPort('127.0.0.1:25'), { host: '127.0.0.1', port: 25 });
  assert.deepEqual(splitHostPort('[::1]:25'), { host: '::1', port: 25 });
  assert.deepEqual(splitHostPort(':25'), { host: '::', port: 25 });
  assert.deepEqual(splitHostPort('465', '10.0.0.1'), { host: '10.0.0.1', port: 465 });
});
