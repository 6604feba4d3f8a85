// Generated component configs: the Kafka, Elasticsearch and Redis settings the recipe depends on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TOPIC_MAX_RECORD_BYTES } from '@spamtrap/contracts';
import { esConfigYml, untraversable } from '../src/components/elasticsearch.js';
import { kafkaPom, kafkaServerProperties } from '../src/components/kafka.js';
import { redisArgs } from '../src/components/redis.js';

function props(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.includes('=')) continue;
    const i = line.indexOf('=');
    assert.ok(!m.has(line.slice(0, i)), `duplicate key ${line.slice(0, i)}`);
    m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}

test('Kafka: loopback listeners on the configured ports, controller not advertised', () => {
  const p = props(kafkaServerProperties({ kafkaPort: 19092, kafkaControllerPort: 19093 }, '/h/kafka/data'));
  assert.equal(p.get('listeners'), 'PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
  assert.equal(p.get('advertised.listeners'), 'PLAINTEXT://127.0.0.1:19092');
  assert.equal(p.get('controller.quorum.voters'), '1@127.0.0.1:19093');
  assert.equal(p.get('log.dirs'), '/h/kafka/data');
  assert.equal(p.get('auto.create.topics.enable'), 'false');
  assert.equal(p.get('offsets.topic.replication.factor'), '1');
  assert.equal(p.get('transaction.state.log.replication.factor'), '1');
  assert.equal(p.get('group.initial.rebalance.delay.ms'), '0');
});

test('Kafka: the broker accepts the largest record any pipeline topic allows, and the size limits are consistent', () => {
  const p = props(kafkaServerProperties({ kafkaPort: 9092, kafkaControllerPort: 9093 }, '/d'));
  const maxRecord = Math.max(...Object.values(TOPIC_MAX_RECORD_BYTES));
  const messageMax = Number(p.get('message.max.bytes'));
  assert.ok(messageMax >= maxRecord, `${messageMax} < ${maxRecord}`);
  assert.ok(Number(p.get('replica.fetch.max.bytes')) >= messageMax, 'a follower must be able to fetch the largest batch');
  assert.ok(Number(p.get('socket.request.max.bytes')) >= messageMax);
});

test('Kafka POM pins the version and brings the reload4j logging backend', () => {
  const pom = kafkaPom('3.9.2');
  assert.match(pom, /<artifactId>kafka_2\.13<\/artifactId><version>3\.9\.2<\/version>/);
  assert.match(pom, /slf4j-reload4j/);
  assert.match(pom, /<artifactId>reload4j<\/artifactId>/);
});

test('Elasticsearch: loopback single node without security on the configured ports', () => {
  const yml = esConfigYml({ esPort: 19200, esTransportPort: 19300 }, { esData: '/h/es/data', esLogs: '/h/logs/es' });
  for (const line of [
    'network.host: 127.0.0.1',
    'http.port: 19200',
    'transport.port: 19300',
    'discovery.type: single-node',
    'xpack.security.enabled: false',
    'cluster.routing.allocation.disk.threshold_enabled: false',
    'action.destructive_requires_name: false',
    'path.data: /h/es/data',
    'path.logs: /h/logs/es',
  ]) {
    assert.ok(yml.split('\n').includes(line), line);
  }
});

test('Redis: own port on loopback, noeviction for BullMQ, AOF in the data dir', () => {
  const a = redisArgs({ redisPort: 16380 }, '/h/redis/data');
  const opt = (k: string): string | undefined => a[a.indexOf(k) + 1];
  assert.equal(opt('--port'), '16380');
  assert.equal(opt('--bind'), '127.0.0.1');
  assert.equal(opt('--maxmemory-policy'), 'noeviction');
  assert.equal(opt('--appendonly'), 'yes');
  assert.equal(opt('--dir'), '/h/redis/data');
  assert.equal(opt('--daemonize'), 'no');
});

test('Elasticsearch: a stack home inside a directory others cannot enter is found before ES fails on it', () => {
  const modes: Record<string, number> = { '/root': 0o40700, '/var': 0o40755, '/var/tmp': 0o41777, '/srv': 0o40750 };
  const stat = (p: string): { mode: number } | null => (p in modes ? { mode: modes[p]! } : null);
  assert.equal(untraversable('/root/spamtrap', stat), '/root');
  assert.equal(untraversable('/var/tmp/spamtrap', stat), null);
  assert.equal(untraversable('/srv/x/y', stat), '/srv');
  assert.equal(untraversable('/opt/new/dir', stat), null, 'missing directories are created 0755');
});
