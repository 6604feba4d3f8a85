// Nominator process entry: load config (exit 78 on mistakes), connect ES, Redis and Kafka, run until SIGTERM/SIGINT, drain.
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from '@spamtrap/config';
import { createEsStore, esConfigSchema, type EsConfig } from '@spamtrap/es';
import { createKafka, ensureStageTopics } from '@spamtrap/kafka';
import { createLogger } from '@spamtrap/logging';
import { createBullProbeQueue, queueConfigSchema, type ProbeQueue, type QueueConfig } from '@spamtrap/queue';
import { loadNominatorConfig, type NominatorConfig } from './config.js';
import { startNominator } from './service.js';

/** EX_CONFIG from sysexits.h: the conventional exit code for bad configuration. */
const EXIT_CONFIG = 78;
/** Longest wait between start-up attempts to reach Redis. */
const START_RETRY_MAX_MS = 10_000;

function loadAll(): { config: NominatorConfig; es: EsConfig; queue: QueueConfig } {
  const lines: string[] = [];
  const attempt = <T>(f: () => T): T | null => {
    try {
      return f();
    } catch (err) {
      if (err instanceof ConfigError) {
        lines.push(...err.lines);
        return null;
      }
      throw err;
    }
  };
  const config = attempt(() => loadNominatorConfig());
  const es = attempt(() => esConfigSchema.load());
  const queue = attempt(() => queueConfigSchema.load());
  if (config === null || es === null || queue === null) {
    for (const line of lines) process.stderr.write(line + '\n');
    process.exit(EXIT_CONFIG);
  }
  return { config, es, queue };
}

async function main(): Promise<void> {
  const { config, es, queue: queueConfig } = loadAll();
  const logger = createLogger('nominator', config.logLevel);
  const store = createEsStore(es);
  const health = await store.health();
  if (!health.ok) logger.warn({ status: health.status, detail: health.detail }, 'Elasticsearch not ready yet; batches retry until it is');
  // Redis down at start is transient like any other outage: wait for it instead of exiting.
  let queue: ProbeQueue | null = null;
  for (let attempt = 1; config.probeEnabled && queue === null; attempt++) {
    try {
      queue = await createBullProbeQueue({ ...queueConfig, cooldownSeconds: config.probeCooldownSeconds });
    } catch (err) {
      logger.warn({ err: (err as Error).message, attempt }, 'probe queue (Redis) unavailable; retrying');
      await sleep(Math.min(START_RETRY_MAX_MS, 500 * attempt));
    }
  }
  const kafka = createKafka(config, logger);
  await ensureStageTopics(kafka, { verdicts: config.verdictsTopic, sessions: config.sessionsTopic, dlq: config.dlqTopic }, logger);
  const nominator = await startNominator(config, { kafka, store, queue, logger });
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining');
    nominator
      .stop()
      .then(async () => {
        await queue?.close();
        await store.close();
      })
      .then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'stop failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`nominator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
