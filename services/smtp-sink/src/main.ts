// smtp-sink process entry: load config (exit 78 on mistakes), connect Kafka, start, drain on SIGTERM/SIGINT.
import { ConfigError } from '@spamtrap/config';
import { DEFAULT_TOPIC_PARTITIONS, TOPIC_MAX_RECORD_BYTES } from '@spamtrap/contracts';
import { createKafka } from '@spamtrap/kafka';
import { createLogger } from '@spamtrap/logging';
import { sinkConfigSchema, type SinkConfig } from './config.js';
import { startSink } from './sink.js';

function loadConfig(): SinkConfig {
  try {
    return sinkConfigSchema.load();
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const line of err.lines) process.stderr.write(`config error: ${line}\n`);
      process.exit(78);
    }
    throw err;
  }
}

const config = loadConfig();
const logger = createLogger('smtp-sink', config.logLevel);
const kafka = createKafka(config, logger);
if (config.ensureTopics) {
  const admin = kafka.createAdmin();
  try {
    await admin.ensureTopics([
      { topic: config.topicRaw, partitions: DEFAULT_TOPIC_PARTITIONS, maxMessageBytes: TOPIC_MAX_RECORD_BYTES.raw },
      { topic: config.topicSessions, partitions: DEFAULT_TOPIC_PARTITIONS, maxMessageBytes: TOPIC_MAX_RECORD_BYTES.sessions },
    ]);
  } catch (err) {
    // Kafka down at start is not a config error: the sink runs and answers 451 until Kafka is back.
    logger.warn({ err }, 'could not ensure topics; continuing');
  } finally {
    await admin.close().catch(() => undefined);
  }
}
const publisher = kafka.createPublisher({ lingerMs: config.publishLingerMs });
const sink = await startSink(config, { publisher, logger });

let signalled = false;
const shutdown = (signal: string): void => {
  if (signalled) return;
  signalled = true;
  logger.info({ signal }, 'draining');
  void (async () => {
    await sink.stop();
    await publisher.close(); // flushes whatever is queued; every 250 already had its ack
    logger.flush();
    process.exit(0);
  })().catch((err: unknown) => {
    logger.error({ err }, 'shutdown failed');
    process.exit(1);
  });
};
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
