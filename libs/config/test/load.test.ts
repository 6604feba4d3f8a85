// Config loading: defaults, env overrides, and one clear line per mistake.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, bool, defineConfig, hostPorts, int, list, oneOf } from '../src/index.js';

const schema = defineConfig('demo', {
  port: int({ env: 'DEMO_PORT', doc: 'listen port', default: 2525, min: 1, max: 65535 }),
  brokers: hostPorts({ env: 'DEMO_BROKERS', doc: 'Kafka brokers', default: ['127.0.0.1:9092'] }),
  tls: bool({ env: 'DEMO_TLS', doc: 'offer STARTTLS', default: true }),
  level: oneOf({ env: 'DEMO_LEVEL', doc: 'log level', default: 'info', values: ['info', 'debug'] as const }),
  domains: list({ env: 'DEMO_DOMAINS', doc: 'trap domains' }),
});

test('defaults apply and env overrides parse', () => {
  const cfg = schema.load({ DEMO_DOMAINS: 'a.example, b.example', DEMO_TLS: 'no', DEMO_PORT: '25' });
  assert.equal(cfg.port, 25);
  assert.equal(cfg.tls, false);
  assert.deepEqual(cfg.domains, ['a.example', 'b.example']);
  assert.deepEqual(cfg.brokers, ['127.0.0.1:9092']);
});

test('every mistake is reported, one line each, naming the variable', () => {
  assert.throws(
    () => schema.load({ DEMO_PORT: '70000', DEMO_TLS: 'maybe', DEMO_BROKERS: 'nohostport', DEMO_LEVEL: 'loud' }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.lines.length, 5);
      assert.match(err.lines[0]!, /^demo: DEMO_PORT="70000": expected an integer between 1 and 65535$/);
      assert.ok(err.lines.some((l) => l.includes('DEMO_DOMAINS is required')));
      assert.ok(err.lines.some((l) => l.includes('DEMO_BROKERS="nohostport": item "nohostport": expected host:port')));
      return true;
    },
  );
});

test('describe() documents every setting with its default', () => {
  const md = schema.describe();
  assert.match(md, /\| `DEMO_PORT` \| 2525 \| listen port \|/);
  assert.match(md, /\| `DEMO_DOMAINS` \| \(required\) \|/);
});
