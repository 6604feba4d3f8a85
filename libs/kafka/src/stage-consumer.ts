// StageConsumer on kafkajs: eachBatch without auto-resolve or auto-commit; commit only after outputs were acknowledged.
import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { KafkaHandle } from './client.js';
import { abortableSleep, processChunk } from './stage-core.js';
import type { IncomingRecord, KafkaAdapter, RecordPublisher, StageConsumer, StageConsumerOptions } from './types.js';

/** Wait before relaunching a consumer kafkajs gave up on: long enough not to spin on a persistent fault. */
const RELAUNCH_AFTER_MS = 5000;
/** Longest wait between relaunch attempts while Kafka stays away (backoff doubles up to this). */
const RELAUNCH_MAX_MS = 30_000;

/** Broker long-poll per fetch: bounds how long stop() waits for an idle fetch. */
const FETCH_MAX_WAIT_MS = 1000;
/** Bytes fetched per partition per request (4 MiB: a few hundred records of a few KB, bounded memory). */
const FETCH_MAX_BYTES_PER_PARTITION = 4 * 1024 * 1024;
/** Bytes fetched per request over all partitions (16 MiB: four partitions at the per-partition bound). */
const FETCH_MAX_BYTES = 16 * 1024 * 1024;

/** Default chunk handed to a handler: big enough to amortise one publish, small enough to retry cheaply. */
export const DEFAULT_MAX_BATCH = 500;

/** kafkajs header values may be strings or repeated (arrays); our records carry one Buffer per name. */
export function toIncoming(topic: string, partition: number, m: KafkaMessage): IncomingRecord {
  const headers: Record<string, Buffer | undefined> = {};
  for (const [k, v] of Object.entries(m.headers ?? {})) {
    const one = Array.isArray(v) ? v[v.length - 1] : v; // a repeated name: the last one wins, as in a map
    headers[k] = one === undefined ? undefined : Buffer.isBuffer(one) ? one : Buffer.from(one);
  }
  return { topic, partition, offset: m.offset, key: m.key ?? null, value: m.value ?? null, headers, timestamp: m.timestamp };
}

/** The StageConsumer for any adapter (real or fake): `createStageConsumer(kafka, publisher, opts)`. */
export function createStageConsumer(kafka: KafkaAdapter, publisher: RecordPublisher, opts: StageConsumerOptions): StageConsumer {
  return kafka.createStageConsumer(publisher, opts);
}

export function createKafkaStageConsumer(kafka: KafkaHandle, publisher: RecordPublisher, opts: StageConsumerOptions): StageConsumer {
  const log = kafka.logger.child({ component: 'stage-consumer', stage: opts.stage, groupId: opts.groupId, topic: opts.topic });
  const maxBatch = Math.max(1, opts.maxBatch ?? DEFAULT_MAX_BATCH);
  let consumer: Consumer | null = null;
  let stopping = new AbortController();
  let started = false;

  const eachBatch = async (payload: EachBatchPayload): Promise<void> => {
    const { batch } = payload;
    let revoked = false;
    const beat = async (): Promise<void> => {
      try {
        await payload.heartbeat();
      } catch (err) {
        // REBALANCE_IN_PROGRESS and friends: this member must rejoin; stop working on the batch.
        revoked = true;
        log.info({ err, partition: batch.partition }, 'heartbeat refused; leaving the batch to the rebalance');
      }
    };
    const shouldContinue = (): boolean => !stopping.signal.aborted && payload.isRunning() && !payload.isStale() && !revoked;
    const signal = stopping.signal;
    for (let i = 0; i < batch.messages.length; i += maxBatch) {
      if (!shouldContinue()) return;
      const messages = batch.messages.slice(i, i + maxBatch);
      const records = messages.map((m) => toIncoming(batch.topic, batch.partition, m));
      const done = await processChunk(records, {
        stage: opts.stage,
        dlqTopic: opts.dlqTopic,
        handler: opts.handler,
        publisher,
        log,
        shouldContinue,
        heartbeat: beat,
        sleep: (ms) => abortableSleep(ms, signal),
      });
      if (!done) return; // unresolved: kafkajs fetches these offsets again
      const last = messages[messages.length - 1]!.offset;
      for (const m of messages) payload.resolveOffset(m.offset);
      try {
        // Explicit offsets: with autoCommit off, the argument-less form never commits.
        await payload.commitOffsetsIfNecessary({ topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: (BigInt(last) + 1n).toString() }] }] });
      } catch (err) {
        // Typically a rebalance: the new owner re-reads from the last commit (at-least-once).
        log.warn({ err, partition: batch.partition, offset: last }, 'offset commit failed; the chunk may be processed again');
        return;
      }
      await beat();
    }
  };

  let relaunchTimer: NodeJS.Timeout | null = null;
  /**
   * Tries launch() again after `delayMs`, then with doubling waits, until it runs or stop() is
   * called: a stage outlives any Kafka outage, whether it began before start or while running.
   * The timer is not unref'd: a stage waiting for Kafka must keep its process alive.
   */
  const relaunchLater = (delayMs: number): void => {
    if (relaunchTimer !== null) return;
    relaunchTimer = setTimeout(() => {
      relaunchTimer = null;
      if (stopping.signal.aborted || consumer !== null) return;
      launch().catch((err: unknown) => {
        const next = Math.min(delayMs * 2, RELAUNCH_MAX_MS);
        log.error({ err }, `starting the kafka consumer failed; trying again in ${next} ms`);
        relaunchLater(next);
      });
    }, delayMs);
  };

  const launch = async (): Promise<void> => {
    const c = kafka.client.consumer({
      groupId: opts.groupId,
      allowAutoTopicCreation: false,
      // stop() waits for the fetch in flight; kafkajs' 5 s long-poll made every drain take ~5 s.
      // An idle consumer now polls once a second, which costs the broker nothing worth noting.
      maxWaitTimeInMs: FETCH_MAX_WAIT_MS,
      // kafkajs' 1 MiB default holds only ~170 verdict records (~6 KB each): a stage with a backlog
      // then pays its fixed per-batch cost (ES refresh, aggregation) on small batches.
      maxBytesPerPartition: FETCH_MAX_BYTES_PER_PARTITION,
      maxBytes: FETCH_MAX_BYTES,
      sessionTimeout: kafka.config.sessionTimeoutMs,
      // kafkajs sends a heartbeat at most this often; a third of the session leaves two to lose.
      heartbeatInterval: Math.max(1000, Math.floor(kafka.config.sessionTimeoutMs / 3)),
      retry: {
        retries: 8,
        // Retriable crashes: log and let kafkajs rejoin (the stage must keep running).
        restartOnFailure: (err) => {
          log.error({ err }, 'kafka consumer crashed; kafkajs restarts it');
          return Promise.resolve(true);
        },
      },
    });
    // kafkajs gives up on non-retriable crashes (e.g. a topic deleted under us); we try again later.
    c.on(c.events.CRASH, ({ payload }) => {
      if (payload.restart || stopping.signal.aborted || consumer !== c) return;
      log.error({ err: payload.error }, `kafka consumer crashed for good; relaunching in ${RELAUNCH_AFTER_MS} ms`);
      consumer = null;
      relaunchLater(RELAUNCH_AFTER_MS);
    });
    consumer = c;
    try {
      await c.connect();
      await c.subscribe({ topics: [opts.topic], fromBeginning: opts.fromBeginning ?? true });
      await c.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: Math.max(1, opts.partitionsConcurrently ?? 1),
        eachBatch,
      });
    } catch (err) {
      consumer = null;
      await c.disconnect().catch(() => undefined);
      throw err;
    }
  };

  return {
    async start() {
      if (started) return;
      started = true;
      stopping = new AbortController();
      try {
        await launch();
        log.info('stage consumer started');
      } catch (err) {
        // Kafka unreachable at start is an outage like any other: keep trying in the background.
        log.error({ err }, `kafka consumer could not start; trying again in ${RELAUNCH_AFTER_MS} ms`);
        relaunchLater(RELAUNCH_AFTER_MS);
      }
    },
    async stop() {
      if (!started) return;
      started = false;
      // Interrupts backoff sleeps; a chunk whose handler or publish is in flight finishes and commits.
      stopping.abort();
      if (relaunchTimer !== null) clearTimeout(relaunchTimer);
      relaunchTimer = null;
      const c = consumer;
      consumer = null;
      if (c !== null) {
        await c.stop();
        await c.disconnect();
      }
      log.info('stage consumer stopped');
    },
  };
}
