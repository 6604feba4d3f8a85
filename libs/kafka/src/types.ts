// The Kafka adapter's public contract: what the real kafkajs adapter and the in-memory fake both implement.

/** A record to write. `value` is bytes (raw mail) or a string (JSON). */
export interface OutgoingRecord {
  topic: string;
  /** A string (evidence id) or bytes (a DLQ record keeps the original key's bytes unchanged). */
  key: string | Buffer | null;
  value: Buffer | string;
  headers?: Record<string, string | Buffer>;
}

/** A record as read from a topic. */
export interface IncomingRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | undefined>;
  /** Broker timestamp, ms since epoch, as a string (as kafkajs gives it). */
  timestamp: string;
}

/**
 * Writes records durably: `publish` resolves only after the broker acknowledged every record
 * with acks=all on an idempotent producer, and rejects otherwise (within `timeoutMs`).
 */
export interface RecordPublisher {
  publish(records: OutgoingRecord[], opts?: { timeoutMs?: number }): Promise<void>;
  /** True when the producer is connected and the last publish did not fail (readiness). */
  isHealthy(): boolean;
  close(): Promise<void>;
}

/** What a stage handler decides for one input record. */
export type RecordOutcome =
  /** Write these records (possibly none), then the input may be committed. */
  | { kind: 'ok'; outputs: OutgoingRecord[] }
  /** Unprocessable: write a DLQ record with this reason, then commit. */
  | { kind: 'dlq'; reason: string; error?: string; evidenceId?: string | null };

/**
 * Handles a batch from one partition; returns exactly one outcome per input, in order.
 * Throwing means "transient failure": nothing is committed, the batch is retried after a short
 * backoff (never in-line for minutes), and the stage keeps running.
 */
export type BatchHandler = (records: IncomingRecord[]) => Promise<RecordOutcome[]>;

export interface StageConsumerOptions {
  /** Stage name written into DLQ records (parser, enricher, nominator). */
  stage: string;
  groupId: string;
  topic: string;
  dlqTopic: string;
  handler: BatchHandler;
  /** Max records handed to the handler at once (default 500). */
  maxBatch?: number;
  /** Partitions processed concurrently by this instance (default 1). */
  partitionsConcurrently?: number;
  /** Start from the earliest offset when the group has none (default true). */
  fromBeginning?: boolean;
}

/**
 * Runs a stage: consume, handle, write outputs and DLQ records, and commit the input offsets
 * only after those writes were acknowledged.
 */
export interface StageConsumer {
  start(): Promise<void>;
  /** Stop fetching, finish the batch in flight, commit what was written, disconnect. */
  stop(): Promise<void>;
}

export interface TopicSpec {
  topic: string;
  partitions: number;
  /** Broker-side `max.message.bytes`: must allow the sink's largest message. */
  maxMessageBytes?: number;
  retentionMs?: number;
}

export interface TopicAdmin {
  /** Create missing topics (auto-creation is off everywhere); existing ones are left alone. */
  ensureTopics(specs: TopicSpec[]): Promise<void>;
  deleteTopics(topics: string[]): Promise<void>;
  close(): Promise<void>;
}

/** Tuning of one publisher; unset fields come from the Kafka config. */
export interface PublisherOptions {
  /** Bound of publish() when the caller gives none (default: KAFKA_PUBLISH_TIMEOUT_MS). */
  defaultTimeoutMs?: number;
  /** How long to wait for concurrent publishes to coalesce (default: KAFKA_PUBLISH_LINGER_MS). */
  lingerMs?: number;
  maxBatchRecords?: number;
  maxBatchBytes?: number;
  /** How long close() waits for queued sends before rejecting them (default 15000 ms). */
  closeTimeoutMs?: number;
}

/**
 * Everything a service needs from Kafka, implemented by `createKafka(config)` (real) and
 * `createMemoryKafka()` (unit tests): services take a `KafkaAdapter` and never see kafkajs.
 */
export interface KafkaAdapter {
  createPublisher(opts?: PublisherOptions): RecordPublisher;
  createAdmin(): TopicAdmin;
  /** The consumer writes outputs and DLQ records through `publisher` (durable, acks=all). */
  createStageConsumer(publisher: RecordPublisher, opts: StageConsumerOptions): StageConsumer;
}
