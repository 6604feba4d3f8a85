// Nominator process entry: load config (exit 78 on mistakes), connect ES, Redis and Kafka, run until SIGTERM/SIGINT, drain.
import { setTimeout as sleep } from 'node:timers/promises';
import { createEsStore, esConfigSchema } from '@spamtrap/es';
import { createKafka, ensureStageTopics } from '@spamtrap/kafka';
import { createLogger, drainOnSignals, exitOnStartFailure, loadConfigOrExit } from '@spamtrap/logging';
import { createBullProbeQueue, queueConfigSchema, type ProbeQueue } from '@spamtrap/queue';
import { loadNominatorConfig } from './config.js';
import { startNominator } from './service.js';

/** Longest wait between start-up attempts to reach Redis. */
const START_RETRY_MAX_MS = 10_000;

async function main(): Promise<void> {
  const [config, es, queueConfig] = loadConfigOrExit(() => loadNominatorConfig(), () => esConfigSchema.load(), () => queueConfigSchema.load());
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
  drainOnSignals(logger, async () => {
    await nominator.stop();
    await queue?.close();
    await store.close();
  });
}

main().catch(exitOnStartFailure('nominator'));
