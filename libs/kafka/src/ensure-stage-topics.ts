// Creates a stage's input, output and DLQ topics at start (auto-creation is off everywhere), without failing the start.
import { DEFAULT_TOPIC_PARTITIONS, TOPIC_MAX_RECORD_BYTES, type TopicRole } from '@spamtrap/contracts';
import type { Logger } from '@spamtrap/logging';
import type { KafkaAdapter, TopicSpec } from './types.js';

/**
 * Ensures `topics` (role -> name) exist with the pipeline's partitions and record-size limits.
 * Kafka being down at start is not fatal: the stage consumer retries until it can subscribe, so
 * this logs a warning and returns false instead of throwing.
 */
export async function ensureStageTopics(kafka: KafkaAdapter, topics: Partial<Record<TopicRole, string>>, logger: Logger): Promise<boolean> {
  const specs: TopicSpec[] = Object.entries(topics).map(([role, topic]) => ({
    topic: topic,
    partitions: DEFAULT_TOPIC_PARTITIONS,
    maxMessageBytes: TOPIC_MAX_RECORD_BYTES[role as TopicRole],
  }));
  const admin = kafka.createAdmin();
  try {
    await admin.ensureTopics(specs);
    return true;
  } catch (err) {
    logger.warn({ err: (err as Error).message, topics: specs.map((s) => s.topic) }, 'could not ensure topics at start; continuing');
    return false;
  } finally {
    await admin.close().catch(() => undefined);
  }
}
