// Test helper: a private single-node KRaft Kafka from the jars of the local stack, so a test may kill and restart it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { kafkaServerProperties } from '@spamtrap/stack';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closedPort } from './kafka-read.js';

/** Where the stack keeps Kafka's jars (KAFKA_LIBS overrides). Null when none is there: the test is skipped. */
export function kafkaLibs(): string | null {
  const candidates = [process.env['KAFKA_LIBS'], '/var/tmp/spamtrap/cache/kafka-3.9.2/libs', '/tmp/verify/kafka/libs'];
  return candidates.find((p): p is string => p !== undefined && existsSync(p)) ?? null;
}

export interface ThrowawayKafka {
  brokers: string;
  /** SIGKILL the broker (the data dir survives, as after a crash). */
  kill(): Promise<void>;
  /** Start it again on the same ports and data; resolves when the port accepts connections. */
  start(): Promise<void>;
  /** Kill it and remove its files. */
  destroy(): Promise<void>;
}

const JAVA = process.env['SPAMTRAP_JAVA_HOME'] ? join(process.env['SPAMTRAP_JAVA_HOME'], 'bin', 'java') : 'java';

export async function startThrowawayKafka(libs: string): Promise<ThrowawayKafka> {
  const dir = mkdtempSync(join(tmpdir(), 'spamtrap-kafka-'));
  const port = await closedPort();
  const controller = await closedPort();
  const props = join(dir, 'server.properties');
  // The same broker settings the local stack uses (one source of truth: libs/stack).
  writeFileSync(props, kafkaServerProperties({ kafkaPort: port, kafkaControllerPort: controller }, join(dir, 'data')));
  writeFileSync(join(dir, 'log4j.properties'), 'log4j.rootLogger=ERROR, stdout\nlog4j.appender.stdout=org.apache.log4j.ConsoleAppender\nlog4j.appender.stdout.layout=org.apache.log4j.PatternLayout\n');
  const cp = `${libs}/*`;
  const jvm = ['-Xms256m', '-Xmx256m', `-Dlog4j.configuration=file:${join(dir, 'log4j.properties')}`, '-cp', cp];
  const clusterId = randomBytes(16).toString('base64url');
  const fmt = spawnSync(JAVA, [...jvm, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', props], { encoding: 'utf8', timeout: 120_000 });
  if (fmt.status !== 0) throw new Error(`kafka storage format failed: ${fmt.stderr || fmt.stdout}`);
  let proc: ChildProcess | null = null;

  const listening = async (): Promise<boolean> =>
    new Promise((r) => {
      const s = connect(port, '127.0.0.1', () => (s.destroy(), r(true)));
      s.on('error', () => r(false));
    });
  const start = async (): Promise<void> => {
    proc = spawn(JAVA, [...jvm, 'kafka.Kafka', props], { stdio: 'ignore' });
    const deadline = Date.now() + 180_000;
    while (!(await listening())) {
      if (proc.exitCode !== null) throw new Error(`throwaway kafka exited with ${proc.exitCode}`);
      if (Date.now() > deadline) throw new Error('throwaway kafka did not start within 180 s');
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const kill = async (): Promise<void> => {
    const p = proc;
    if (p === null || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
    proc = null;
  };
  await start();
  return {
    brokers: `127.0.0.1:${port}`,
    kill,
    start,
    async destroy() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
