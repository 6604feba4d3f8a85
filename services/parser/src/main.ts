// Parser process entry: load config (exit 78 on mistakes), connect Kafka, run until SIGTERM/SIGINT, drain.
import { ConfigError } from '@spamtrap/config';
import { createKafka, ensureStageTopics } from '@spamtrap/kafka';
import { createLogger } from '@spamtrap/logging';
import { loadParserConfig, type ParserConfig } from './config.js';
import { startParser } from './service.js';

/** EX_CONFIG from sysexits.h: the conventional exit code for bad configuration. */
const EXIT_CONFIG = 78;

async function main(): Promise<void> {
  let config: ParserConfig;
  try {
    config = loadParserConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const line of err.lines) process.stderr.write(line + '\n');
      process.exit(EXIT_CONFIG);
    }
    throw err;
  }
  const logger = createLogger('parser', config.logLevel);
  const kafka = createKafka(config, logger);
  await ensureStageTopics(kafka, { raw: config.inputTopic, parsed: config.outputTopic, dlq: config.dlqTopic }, logger);
  const parser = await startParser(config, { kafka, logger });
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining');
    parser.stop().then(
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
  process.stderr.write(`parser: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
