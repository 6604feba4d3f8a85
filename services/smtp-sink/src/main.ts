// smtp-sink process entry: load config (exit 78 on mistakes), connect Kafka, start, drain on SIGTERM/SIGINT.
import { createKafka, ensureStageTopics } from '@spamtrap/kafka';
import { createLogger, drainOnSignals, loadConfigOrExit } from '@spamtrap/logging';
import { sinkConfigSchema } from './config.js';
import { startSink } from './sink.js';

const [config] = loadConfigOrExit(() => sinkConfigSchema.load());
const logger = createLogger('smtp-sink', config.logLevel);
const kafka = createKafka(config, logger);
// Kafka down at start is not a config error: the sink runs and answers 451 until Kafka is back.
if (config.ensureTopics) await ensureStageTopics(kafka, { raw: config.topicRaw, sessions: config.topicSessions }, logger);
const publisher = kafka.createPublisher({ lingerMs: config.publishLingerMs });
const sink = await startSink(config, { publisher, logger });

drainOnSignals(logger, async () => {
  await sink.stop();
  await publisher.close(); // flushes whatever is queued; every 250 already had its ack
});
