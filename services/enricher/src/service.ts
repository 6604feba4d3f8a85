// startEnricher: the enricher stage in-process (consume parsed, write verdicts / DLQ), for main.ts and tests.
import { createStageConsumer, type KafkaAdapter } from '@spamtrap/kafka';
import { silentLogger, type Logger } from '@spamtrap/logging';
import type { EnricherConfig } from './config.js';
import { createDnsClient, type DnsLookup, type DnsStats } from './dns/resolver.js';
import { contextFrom, createEnrichHandler } from './enrich.js';

export interface EnricherDeps {
  kafka: KafkaAdapter;
  logger?: Logger;
  /** A DNS client to use instead of one built from the config (tests). */
  dns?: DnsLookup;
}

export interface RunningEnricher {
  stop(): Promise<void>;
  dnsStats(): DnsStats | null;
}

export function dnsClientFrom(config: EnricherConfig): DnsLookup {
  return createDnsClient({
    servers: config.dnsServers,
    timeoutMs: config.dnsTimeoutMs,
    tries: config.dnsTries,
    concurrency: config.dnsConcurrency,
    cacheMaxEntries: config.cacheMaxEntries,
    cacheMaxTtlMs: config.cacheMaxTtlMs,
    negativeTtlMs: config.cacheNegativeTtlMs,
    failureTtlMs: config.cacheFailureTtlMs,
    defaultTtlMs: config.cacheDefaultTtlMs,
  });
}

export async function startEnricher(config: EnricherConfig, deps: EnricherDeps): Promise<RunningEnricher> {
  const log = (deps.logger ?? silentLogger()).child({ component: 'enricher' });
  const dns = config.dnsEnabled ? (deps.dns ?? dnsClientFrom(config)) : null;
  const ctx = contextFrom(config, dns);
  const publisher = deps.kafka.createPublisher();
  const consumer = createStageConsumer(deps.kafka, publisher, {
    stage: 'enricher',
    groupId: config.groupId,
    topic: config.inputTopic,
    dlqTopic: config.dlqTopic,
    handler: createEnrichHandler(ctx, config.outputTopic),
    maxBatch: config.maxBatch,
    partitionsConcurrently: config.partitionsConcurrently,
  });
  try {
    await consumer.start();
  } catch (err) {
    await publisher.close().catch(() => undefined);
    if (deps.dns === undefined) dns?.close();
    throw err;
  }
  log.info({ input: config.inputTopic, output: config.outputTopic, groupId: config.groupId, dns: config.dnsEnabled }, 'enricher started');
  let stopped: Promise<void> | null = null;
  return {
    stop() {
      stopped ??= (async () => {
        try {
          await consumer.stop();
        } finally {
          await publisher.close();
          if (deps.dns === undefined) dns?.close();
          log.info({ dns: dns?.stats() ?? null }, 'enricher stopped');
        }
      })();
      return stopped;
    },
    dnsStats: () => dns?.stats() ?? null,
  };
}
