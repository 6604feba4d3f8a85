// Parser process entry: load config (exit 78 on mistakes), connect Kafka, run until SIGTERM/SIGINT, drain.
import { createKafka, ensureStageTopics } from '@spamtrap/kafka';
import { createLogger, drainOnSignals, exitOnStartFailure, loadConfigOrExit } from '@spamtrap/logging';
import { loadParserConfig } from './config.js';
import { startParser } from './service.js';

async function main(): Promise<void> {
  const [config] = loadConfigOrExit(() => loadParserConfig());
  const logger = createLogger('parser', config.logLevel);
  const kafka = createKafka(config, logger);
  await ensureStageTopics(kafka, { raw: config.inputTopic, parsed: config.outputTopic, dlq: config.dlqTopic }, logger);
  const parser = await startParser(config, { kafka, logger });
  drainOnSignals(logger, () => parser.stop());
}

main().catch(exitOnStartFailure('parser'));
