// Stack settings: defaults, env overrides, and the one-line errors for bad ports, heaps and clashes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '@spamtrap/config';
import { stackSchema } from '../src/config.js';
import { clientEnv } from '../src/stack.js';
import { stackPaths } from '../src/paths.js';

test('defaults match the documented dev stack', () => {
  const c = stackSchema.load({});
  assert.equal(c.home, '/var/tmp/spamtrap');
  assert.deepEqual([c.kafkaPort, c.kafkaControllerPort, c.esPort, c.esTransportPort, c.redisPort], [9092, 9093, 9200, 9300, 6380]);
  assert.equal(c.kafkaVersion, '3.9.2');
  assert.equal(c.esVersion, '8.19.21');
  assert.deepEqual(clientEnv(c), { KAFKA_BROKERS: '127.0.0.1:9092', ES_NODE: 'http://127.0.0.1:9200', REDIS_URL: 'redis://127.0.0.1:6380' });
});

test('every port and the home are overridable, and client env follows them', () => {
  const c = stackSchema.load({
    SPAMTRAP_STACK_HOME: '/tmp/alt',
    SPAMTRAP_KAFKA_PORT: '19092',
    SPAMTRAP_KAFKA_CONTROLLER_PORT: '19093',
    SPAMTRAP_ES_PORT: '19200',
    SPAMTRAP_ES_TRANSPORT_PORT: '19300',
    SPAMTRAP_REDIS_PORT: '16380',
    SPAMTRAP_ES_HEAP: '2g',
  });
  assert.equal(c.esHeap, '2g');
  assert.deepEqual(clientEnv(c), { KAFKA_BROKERS: '127.0.0.1:19092', ES_NODE: 'http://127.0.0.1:19200', REDIS_URL: 'redis://127.0.0.1:16380' });
  const p = stackPaths(c);
  assert.equal(p.state, '/tmp/alt/state.json');
  assert.equal(p.kafkaLibs, '/tmp/alt/cache/kafka-3.9.2/libs');
  assert.equal(p.esZip, '/tmp/alt/cache/elasticsearch-8.19.21.zip');
});

test('bad values give one line each naming the variable', () => {
  assert.throws(
    () => stackSchema.load({ SPAMTRAP_KAFKA_PORT: '0', SPAMTRAP_ES_HEAP: '1 GB', SPAMTRAP_STACK_HOME: 'relative/dir', SPAMTRAP_KAFKA_VERSION: '4.0.0' }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.lines.length, 4);
      assert.ok(err.lines.some((l) => l.startsWith('stack: SPAMTRAP_KAFKA_PORT="0": expected an integer between 1 and 65535')));
      assert.ok(err.lines.some((l) => l.includes('SPAMTRAP_ES_HEAP="1 GB": expected a JVM size such as 512m or 1g')));
      assert.ok(err.lines.some((l) => l.includes('SPAMTRAP_STACK_HOME="relative/dir": expected an absolute path')));
      assert.ok(err.lines.some((l) => l.includes('SPAMTRAP_KAFKA_VERSION="4.0.0": expected a 3.x.y version')));
      return true;
    },
  );
});

test('two components on one port is refused', () => {
  assert.throws(() => stackSchema.load({ SPAMTRAP_REDIS_PORT: '9200' }), /the five stack ports must differ \(got 9092, 9093, 9200, 9300, 9200\)/);
});

test('describe() documents every variable (the docs table is generated from it)', () => {
  const table = stackSchema.describe();
  for (const s of Object.values(stackSchema.settings)) assert.ok(table.includes(`\`${s.env}\``), s.env);
});
