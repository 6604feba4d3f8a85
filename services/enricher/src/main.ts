// Enricher process entry: load config (exit 78 on mistakes), connect Kafka, run until SIGTERM/SIGINT, drain.
import { createKafka, ensureStageTopics } from '@spamtrap/kafka';
import { createLogger, drainOnSignals, exitOnStartFailure, loadConfigOrExit } from '@spamtrap/logging';
import { loadEnricherConfig } from './config.js';
import { startEnricher } from './service.js';

async function main(): Promise<void> {
  const [config] = loadConfigOrExit(() => loadEnricherConfig());
  const logger = createLogger('enricher', config.logLevel);
  const kafka = createKafka(config, logger);
  await ensureStageTopics(kafka, { parsed: config.inputTopic, verdicts: config.outputTopic, dlq: config.dlqTopic }, logger);
  const enricher = await startEnricher(config, { kafka, logger });
  drainOnSignals(logger, () => enricher.stop());
}

main().catch(exitOnStartFailure('enricher'));
