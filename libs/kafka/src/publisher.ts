// RecordPublisher over one idempotent kafkajs producer (acks=all), fed through the coalescing batcher.
import type { Message, Producer, TopicMessages } from 'kafkajs';
import { Partitioners } from './kafkajs.js';
import type { KafkaHandle } from './client.js';
import { PublishBatcher } from './batcher.js';
import { PublisherClosedError, PublishTimeoutError, isRecordRejectedError } from './errors.js';
import type { OutgoingRecord, PublisherOptions, RecordPublisher } from './types.js';

/** kafkajs groups messages by topic. */
export function toTopicMessages(records: OutgoingRecord[]): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const r of records) {
    let list = byTopic.get(r.topic);
    if (list === undefined) byTopic.set(r.topic, (list = []));
    const m: Message = { key: r.key, value: r.value };
    if (r.headers !== undefined) m.headers = r.headers;
    list.push(m);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

export function createPublisher(kafka: KafkaHandle, opts: PublisherOptions = {}): RecordPublisher {
  const { config, logger } = kafka;
  const log = logger.child({ component: 'kafka-publisher' });
  const producer: Producer = kafka.client.producer({
    idempotent: true,
    // One request in flight: concurrent sends on one idempotent producer have produced
    // OUT_OF_ORDER_SEQUENCE_NUMBER (kafkajs#598); the batcher also serialises sends.
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { initialRetryTime: 100, retries: config.producerRetries, maxRetryTime: 2000 },
  });
  let connected = false;
  let lastFailed = false;
  // A caller timed out while its send was still pending: the broker is slow or gone even if the
  // client has not given up yet (its retries outlast the caller's bound). Cleared by the next ack.
  let timedOut = false;
  let closing = false;
  let connecting: Promise<void> | null = null;
  producer.on(producer.events.CONNECT, () => (connected = true));
  producer.on(producer.events.DISCONNECT, () => (connected = false));

  const ensureConnected = (): Promise<void> => {
    connecting ??= producer.connect().catch((err: unknown) => {
      connecting = null; // try again on the next send
      throw err;
    });
    return connecting;
  };

  const batcher = new PublishBatcher({
    lingerMs: opts.lingerMs ?? config.lingerMs,
    maxBatchRecords: opts.maxBatchRecords ?? config.maxBatchRecords,
    maxBatchBytes: opts.maxBatchBytes ?? config.maxBatchBytes,
    isRecordSpecificError: isRecordRejectedError,
    async send(records) {
      try {
        await ensureConnected();
        await producer.sendBatch({ topicMessages: toTopicMessages(records), acks: -1, timeout: config.requestTimeoutMs });
        lastFailed = false;
        timedOut = false;
      } catch (err) {
        // A record-specific refusal says nothing about the cluster's health.
        if (!isRecordRejectedError(err)) lastFailed = true;
        log.warn({ err, records: records.length }, 'kafka publish failed');
        throw err;
      }
    },
  });

  // Connect eagerly so readiness turns true without waiting for the first message.
  ensureConnected().catch((err: unknown) => {
    lastFailed = true;
    log.warn({ err }, 'kafka producer could not connect; will retry on the next publish');
  });

  return {
    publish(records, o) {
      if (closing) return Promise.reject(new PublisherClosedError());
      return batcher.submit(records, o?.timeoutMs ?? opts.defaultTimeoutMs ?? config.publishTimeoutMs).catch((err: unknown) => {
        if (err instanceof PublishTimeoutError) timedOut = true;
        throw err;
      });
    },
    isHealthy: () => connected && !lastFailed && !timedOut && !closing,
    async close() {
      if (closing) return;
      closing = true;
      const closeTimeoutMs = opts.closeTimeoutMs ?? 15_000;
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), closeTimeoutMs)));
      const result = await Promise.race([batcher.drain().then(() => 'drained' as const), gaveUp]);
      clearTimeout(timer);
      if (result === 'timeout') {
        log.warn({ closeTimeoutMs }, 'kafka publisher closed with sends still pending; rejecting them');
        batcher.abandon(new PublisherClosedError());
      }
      await producer.disconnect().catch((err: unknown) => log.warn({ err }, 'kafka producer disconnect failed'));
    },
  };
}
