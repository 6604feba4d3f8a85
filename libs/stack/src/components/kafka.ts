// Kafka single-node KRaft from Maven Central jars (kafka_2.13 + reload4j logging), run on Java 17.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { StackConfig } from '../config.js';
import { StackError } from '../errors.js';
import { spawnDetached } from '../proc.js';
import { kafkaReady } from '../probes.js';
import { requireJava17, requireTool, runMaven } from '../tools.js';
import type { ComponentDef } from './types.js';

/** Kafka's own example id; any fixed 22-char base64 id works for a single local cluster. */
export const KAFKA_CLUSTER_ID = '4L6g3nShT-eMCtK--X86sw';

/**
 * Largest record batch the broker accepts: our parsed/verdicts/dlq topics carry records up to
 * 32 MiB (TOPIC_MAX_RECORD_BYTES), plus 1 MiB for batch and header overhead.
 */
export const KAFKA_MESSAGE_MAX_BYTES = 33 * 1024 * 1024;
/** One request must hold a full batch; Kafka's default (100 MiB) already does, set explicitly so it never drops below. */
export const KAFKA_SOCKET_REQUEST_MAX_BYTES = 100 * 1024 * 1024;

/** The broker's server.properties: loopback only, RF 1 internal topics, no auto topic creation. */
export function kafkaServerProperties(cfg: Pick<StackConfig, 'kafkaPort' | 'kafkaControllerPort'>, dataDir: string): string {
  const p = cfg.kafkaPort;
  const c = cfg.kafkaControllerPort;
  return [
    '# Written by `spamtrap stack` on every start; edit libs/stack/src/components/kafka.ts instead.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${c}`,
    `listeners=PLAINTEXT://127.0.0.1:${p},CONTROLLER://127.0.0.1:${c}`,
    // The controller listener must not be advertised (the broker refuses to start).
    `advertised.listeners=PLAINTEXT://127.0.0.1:${p}`,
    'inter.broker.listener.name=PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${dataDir}`,
    'num.partitions=1',
    // One broker: internal topics must have RF 1 or consumer groups hang on "coordinator not available".
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=1',
    'group.initial.rebalance.delay.ms=0',
    // Topics are created explicitly with their sizes; a typo must fail, not create a topic.
    'auto.create.topics.enable=false',
    `message.max.bytes=${KAFKA_MESSAGE_MAX_BYTES}`,
    // Equal to message.max.bytes so a follower could fetch the largest batch (old brokers refused to start otherwise).
    `replica.fetch.max.bytes=${KAFKA_MESSAGE_MAX_BYTES}`,
    `socket.request.max.bytes=${KAFKA_SOCKET_REQUEST_MAX_BYTES}`,
    '',
  ].join('\n');
}

/** Console-only reload4j config: the broker's stdout goes to the stack's log file. */
export const KAFKA_LOG4J = [
  'log4j.rootLogger=WARN, stdout',
  'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
  'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
  'log4j.logger.kafka.server.KafkaRaftServer=INFO',
  '',
].join('\n');

/** POM whose runtime dependencies are the broker; Kafka's POM lacks the logging backend, hence reload4j. */
export function kafkaPom(version: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by spamtrap stack: the Kafka broker's runtime classpath. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.spamtrap</groupId><artifactId>kafka-runtime</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>${version}</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
    <dependency><groupId>ch.qos.reload4j</groupId><artifactId>reload4j</artifactId><version>1.2.25</version></dependency>
  </dependencies>
  <build><pluginManagement><plugins><plugin>
    <groupId>org.apache.maven.plugins</groupId><artifactId>maven-dependency-plugin</artifactId><version>3.6.1</version>
  </plugin></plugins></pluginManagement></build>
</project>
`;
}

function jvmArgs(cfg: StackConfig, kafkaDir: string): string[] {
  return [
    `-Xms${cfg.kafkaHeap}`,
    `-Xmx${cfg.kafkaHeap}`,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:InitiatingHeapOccupancyPercent=35',
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${join(kafkaDir, 'log4j.properties')}`,
  ];
}

export const kafka: ComponentDef = {
  name: 'kafka',
  version: (cfg) => cfg.kafkaVersion,
  ports: (cfg) => [
    { port: cfg.kafkaPort, env: 'SPAMTRAP_KAFKA_PORT' },
    { port: cfg.kafkaControllerPort, env: 'SPAMTRAP_KAFKA_CONTROLLER_PORT' },
  ],
  address: (cfg) => `127.0.0.1:${cfg.kafkaPort}`,
  preflight({ cfg, paths }) {
    requireJava17(cfg.javaHome);
    if (!existsSync(join(dirname(paths.kafkaLibs), '.complete'))) requireTool(cfg.mvn, 'maven', ' (or set SPAMTRAP_MVN)');
  },
  async fetch({ cfg, paths }) {
    const dir = dirname(paths.kafkaLibs);
    const marker = join(dir, '.complete');
    if (existsSync(marker)) return false;
    rmSync(paths.kafkaLibs, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const pom = join(dir, 'pom.xml');
    writeFileSync(pom, kafkaPom(cfg.kafkaVersion));
    await runMaven(
      cfg.mvn,
      ['-f', pom, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${paths.kafkaLibs}`],
      { javaHome: cfg.javaHome, repoLocal: cfg.mavenRepo, what: `Kafka ${cfg.kafkaVersion}` },
    );
    if (!existsSync(join(paths.kafkaLibs, `kafka_2.13-${cfg.kafkaVersion}.jar`))) {
      throw new StackError(`Maven finished but ${paths.kafkaLibs} has no kafka_2.13-${cfg.kafkaVersion}.jar: check the version exists on Maven Central`);
    }
    writeFileSync(marker, new Date().toISOString() + '\n');
    return true;
  },
  launch({ cfg, paths }) {
    const java = requireJava17(cfg.javaHome);
    mkdirSync(paths.kafkaData, { recursive: true });
    const props = join(paths.kafkaDir, 'server.properties');
    writeFileSync(props, kafkaServerProperties(cfg, paths.kafkaData));
    writeFileSync(join(paths.kafkaDir, 'log4j.properties'), KAFKA_LOG4J);
    const cp = join(paths.kafkaLibs, '*');
    const env = { ...process.env, JAVA_HOME: cfg.javaHome };
    if (!existsSync(join(paths.kafkaData, 'meta.properties'))) {
      const r = spawnSync(java, [...jvmArgs(cfg, paths.kafkaDir), '-cp', cp, 'kafka.tools.StorageTool', 'format', '-g', '-t', KAFKA_CLUSTER_ID, '-c', props], {
        env,
        encoding: 'utf8',
        timeout: cfg.readyTimeoutS * 1000,
      });
      if (r.status !== 0) {
        const why = `${r.stderr}${r.stdout}`.trim().split('\n').filter((l) => l !== '').pop() ?? `exit ${r.status ?? r.signal}`;
        throw new StackError(`formatting Kafka storage in ${paths.kafkaData} failed: ${why}`);
      }
    }
    const log = join(paths.logs, 'kafka.log');
    const p = spawnDetached(java, [...jvmArgs(cfg, paths.kafkaDir), '-cp', cp, 'kafka.Kafka', props], { logPath: log, env, cwd: paths.kafkaDir });
    return Promise.resolve({ pid: p.pid, log, exited: p.exited });
  },
  ready: (cfg) => kafkaReady(cfg.kafkaPort),
  dataDirs: (paths) => [paths.kafkaData],
};
