// Runs the whole pipeline in-process on the real local stack, isolated by a random prefix, for end-to-end tests.
import { randomBytes } from 'node:crypto';
import { createEsStore, esConfigSchema, type EsStore } from '@spamtrap/es';
import { indexNames } from '@spamtrap/es-schema';
import { createKafka, pipelineTopicSpecs } from '@spamtrap/kafka';
import { createLogger, type LogLevel } from '@spamtrap/logging';
import { createBullProbeQueue, queueConfigSchema, type ProbeQueue } from '@spamtrap/queue';
import { sinkConfigSchema, startSink } from '@spamtrap/smtp-sink';
import { loadParserConfig, startParser } from '@spamtrap/parser';
import { loadEnricherConfig, startEnricher } from '@spamtrap/enricher';
import { loadNominatorConfig, startNominator } from '@spamtrap/nominator';
import { pipelineEnv, pipelineTopics, type PipelineEnvOptions } from './pipeline-env.js';

export interface RunningPipeline {
  prefix: string;
  env: Record<string, string>;
  sink: { host: string; port: number };
  store: EsStore;
  queue: ProbeQueue;
  evidencePattern: string;
  nominationsIndex: string;
  stop(): Promise<void>;
}

export function randomPrefix(kind: string): string {
  return `${kind}-${randomBytes(4).toString('hex')}`;
}

/** Starts sink, parser, enricher and nominator in this process against the real Kafka, ES and Redis. */
export async function startPipeline(o: Omit<PipelineEnvOptions, 'prefix'> & { prefix?: string }): Promise<RunningPipeline> {
  const prefix = o.prefix ?? randomPrefix('e2e');
  const env = pipelineEnv({ ...o, prefix });
  const level = (env['LOG_LEVEL'] ?? 'warn') as LogLevel;
  const logger = createLogger('e2e', level);
  const stops: (() => Promise<void>)[] = [];

  const parserConfig = loadParserConfig(env);
  const kafka = createKafka(parserConfig, logger);
  const admin = kafka.createAdmin();
  await admin.ensureTopics(pipelineTopicSpecs(pipelineTopics(prefix)));

  const store = createEsStore(esConfigSchema.load(env));
  const queue = await createBullProbeQueue(queueConfigSchema.load(env));

  const nominator = await startNominator(loadNominatorConfig(env), { kafka: createKafka(loadNominatorConfig(env), logger), store, queue, logger });
  stops.push(() => nominator.stop());
  const enricher = await startEnricher(loadEnricherConfig(env), { kafka: createKafka(loadEnricherConfig(env), logger), logger });
  stops.push(() => enricher.stop());
  const parser = await startParser(parserConfig, { kafka: createKafka(parserConfig, logger), logger });
  stops.push(() => parser.stop());

  const sinkConfig = sinkConfigSchema.load(env);
  const publisher = createKafka(sinkConfig, logger).createPublisher();
  const sink = await startSink(sinkConfig, { publisher, logger, processMetrics: false });
  stops.push(async () => {
    await sink.stop();
    await publisher.close();
  });

  const names = indexNames(prefix);
  return {
    prefix,
    env,
    sink: { host: '127.0.0.1', port: sink.address.port },
    store,
    queue,
    evidencePattern: names.evidencePattern,
    nominationsIndex: names.nominations,
    async stop() {
      // Sink first (no new input), then the stages in flow order.
      for (const stop of stops.reverse()) await stop().catch(() => undefined);
      await admin.deleteTopics(Object.values(pipelineTopics(prefix))).catch(() => undefined);
      await store.deleteIndices(`${prefix}-*`).catch(() => undefined);
      await queue.obliterate().catch(() => undefined);
      await queue.close().catch(() => undefined);
      await admin.close().catch(() => undefined);
      await store.close().catch(() => undefined);
    },
  };
}

/** Polls until `check` returns a value (not undefined) or the deadline passes. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
