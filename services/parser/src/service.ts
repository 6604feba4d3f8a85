// startParser: the parser stage in-process (consume raw, write parsed / DLQ), for main.ts and tests.
import { createStageConsumer, type BatchHandler, type KafkaAdapter } from '@spamtrap/kafka';
import { silentLogger, type Logger } from '@spamtrap/logging';
import type { ParserConfig } from './config.js';
import { createParseHandler, type ParseContext } from './parse-record.js';
import { createTrustResolver } from './trust.js';

export interface ParserDeps {
  kafka: KafkaAdapter;
  logger?: Logger;
}

export interface ParserStats {
  /** Records this instance turned into parsed records / DLQ outcomes (handled, maybe not yet committed). */
  parsed: number;
  dlq: number;
}

export interface RunningParser {
  /** Finish the batch in flight, commit what was written, close the publisher. */
  stop(): Promise<void>;
  stats(): ParserStats;
}

/** The parse context (trust resolver, limits) a config describes; exported for the benchmark. */
export function parseContextFrom(config: ParserConfig): ParseContext {
  return {
    parsedTopic: config.outputTopic,
    trust: createTrustResolver(config.trusted, config.sinkTrust),
    maxParsedRecordBytes: config.maxParsedRecordBytes,
    mailEngine: config.mailEngine,
    mailLimits: {
      maxUrls: config.maxUrls,
      maxUrlChars: config.maxUrlChars,
      maxAttachments: config.maxAttachments,
      maxAddresses: config.maxAddresses,
    },
  };
}

export async function startParser(config: ParserConfig, deps: ParserDeps): Promise<RunningParser> {
  const log = (deps.logger ?? silentLogger()).child({ component: 'parser' });
  const publisher = deps.kafka.createPublisher();
  const counts: ParserStats = { parsed: 0, dlq: 0 };
  const parse = createParseHandler(parseContextFrom(config));
  const handler: BatchHandler = async (records) => {
    const outcomes = await parse(records);
    for (const o of outcomes) {
      if (o.kind === 'ok') counts.parsed++;
      else {
        counts.dlq++;
        log.warn({ reason: o.reason, evidenceId: o.evidenceId ?? null, error: o.error?.slice(0, 300) }, 'record to DLQ');
      }
    }
    return outcomes;
  };
  const consumer = createStageConsumer(deps.kafka, publisher, {
    stage: 'parser',
    groupId: config.groupId,
    topic: config.inputTopic,
    dlqTopic: config.dlqTopic,
    handler,
    maxBatch: config.maxBatch,
    partitionsConcurrently: config.partitionsConcurrently,
  });
  try {
    await consumer.start();
  } catch (err) {
    await publisher.close().catch(() => undefined);
    throw err;
  }
  log.info({ input: config.inputTopic, output: config.outputTopic, groupId: config.groupId }, 'parser started');
  let stopped: Promise<void> | null = null;
  return {
    stats: () => ({ ...counts }),
    stop() {
      stopped ??= (async () => {
        try {
          await consumer.stop();
        } finally {
          await publisher.close();
          log.info('parser stopped');
        }
      })();
      return stopped;
    },
  };
}
