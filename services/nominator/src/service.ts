// startNominator: the nominator in-process (templates, verdicts consumer, optional sessions consumer), for main.ts and tests.
import type { EsStore } from '@spamtrap/es';
import { buildTemplates, indexNames } from '@spamtrap/es-schema';
import { createStageConsumer, type KafkaAdapter, type StageConsumer } from '@spamtrap/kafka';
import { silentLogger, type Logger } from '@spamtrap/logging';
import type { NominatorConfig } from './config.js';
import { createVerdictHandler } from './handle-batch.js';
import { createSessionHandler } from './handle-sessions.js';
import type { ProbeEnqueuer } from './probe-jobs.js';
import { aggregationViews, type ComputeViews } from './views.js';

export interface NominatorDeps {
  kafka: KafkaAdapter;
  store: EsStore;
  /** Null disables probe jobs (NOMINATOR_PROBE_JOBS=false, or no Redis). */
  queue: ProbeEnqueuer | null;
  logger?: Logger;
  /** Override for unit tests with the in-memory ES fake (it has no min/max/top_hits aggregations). */
  computeViews?: ComputeViews;
}

export interface RunningNominator {
  stop(): Promise<void>;
}

export async function startNominator(config: NominatorConfig, deps: NominatorDeps): Promise<RunningNominator> {
  const log = (deps.logger ?? silentLogger()).child({ component: 'nominator' });
  const names = indexNames(config.indexPrefix);
  if (config.installTemplates) {
    const templates = buildTemplates({
      prefix: config.indexPrefix,
      shards: config.shards,
      replicas: config.replicas,
      extraEvidenceComponents: config.evidenceComponents,
      extraNominationComponents: config.nominationComponents,
    });
    await deps.store.installTemplates(templates);
    log.info({ evidence: names.evidencePattern, nominations: names.nominations }, 'index templates installed');
  }
  const bulk = { maxDocs: config.bulkMaxDocs, maxBytes: config.bulkMaxBytes, maxWaitMs: config.bulkMaxWaitMs };
  const common = { prefix: config.indexPrefix, redactionSecret: config.redactionSecret, trapDomains: config.trapDomains, bulk };
  const publisher = deps.kafka.createPublisher();
  const consumers: StageConsumer[] = [];
  consumers.push(
    createStageConsumer(deps.kafka, publisher, {
      stage: 'nominator',
      groupId: config.groupId,
      topic: config.verdictsTopic,
      dlqTopic: config.dlqTopic,
      maxBatch: config.maxBatch,
      partitionsConcurrently: config.partitionsConcurrently,
      handler: createVerdictHandler(
        {
          ...common,
          storeRaw: config.storeRaw,
          probeEnabled: config.probeEnabled,
          probeCooldownMs: config.probeCooldownSeconds * 1000,
          probeMaxEvidenceAgeMs: config.probeMaxEvidenceAgeSeconds * 1000,
        },
        { store: deps.store, computeViews: deps.computeViews ?? aggregationViews(deps.store, names.evidencePattern), queue: config.probeEnabled ? deps.queue : null, log },
      ),
    }),
  );
  if (config.consumeSessions) {
    consumers.push(
      createStageConsumer(deps.kafka, publisher, {
        stage: 'nominator',
        groupId: `${config.groupId}-sessions`,
        topic: config.sessionsTopic,
        dlqTopic: config.dlqTopic,
        maxBatch: config.maxBatch,
        handler: createSessionHandler(common, { store: deps.store }),
      }),
    );
  }
  try {
    for (const c of consumers) await c.start();
  } catch (err) {
    for (const c of consumers) await c.stop().catch(() => undefined);
    await publisher.close().catch(() => undefined);
    throw err;
  }
  log.info({ verdicts: config.verdictsTopic, sessions: config.consumeSessions ? config.sessionsTopic : null, groupId: config.groupId }, 'nominator started');
  let stopped: Promise<void> | null = null;
  return {
    stop() {
      stopped ??= (async () => {
        try {
          for (const c of consumers) await c.stop();
        } finally {
          await publisher.close();
          log.info('nominator stopped');
        }
      })();
      return stopped;
    },
  };
}
