// Enricher process entry: load config (exit 78 on mistakes), connect Kafka, run until SIGTERM/SIGINT, drain.
import { ConfigError } from '@spamtrap/config';
import { createKafka, ensureStageTopics } from '@spamtrap/kafka';
import { createLogger } from '@spamtrap/logging';
import { loadEnricherConfig, type EnricherConfig } from './config.js';
import { startEnricher } from './service.js';

/** EX_CONFIG from sysexits.h: the conventional exit code for bad configuration. */
const EXIT_CONFIG = 78;

async function main(): Promise<void> {
  let config: EnricherConfig;
  try {
    config = loadEnricherConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const line of err.lines) process.stderr.write(line + '\n');
      process.exit(EXIT_CONFIG);
    }
    throw err;
  }
  const logger = createLogger('enricher', config.logLevel);
  const kafka = createKafka(config, logger);
  await ensureStageTopics(kafka, { parsed: config.inputTopic, verdicts: config.outputTopic, dlq: config.dlqTopic }, logger);
  const enricher = await startEnricher(config, { kafka, logger });
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining');
    enricher.stop().then(
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
  process.stderr.write(`enricher: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
