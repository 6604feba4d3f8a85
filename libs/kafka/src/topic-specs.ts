// Topic specs for every pipeline role: partitions and broker-side record size limits from the contracts.
import { DEFAULT_TOPIC_PARTITIONS, TOPIC_MAX_RECORD_BYTES, type TopicNames, type TopicRole } from '@spamtrap/contracts';
import type { TopicSpec } from './types.js';

export interface PipelineTopicOptions {
  /** Partitions per topic (default DEFAULT_TOPIC_PARTITIONS). */
  partitions?: number;
  /** `retention.ms` for every topic; unset keeps the broker default (7 days). */
  retentionMs?: number;
}

/** One spec per role (raw, parsed, verdicts, sessions, dlq) for the given names. */
export function pipelineTopicSpecs(names: TopicNames, opts: PipelineTopicOptions = {}): TopicSpec[] {
  return (Object.keys(names) as TopicRole[]).map((role) => {
    const spec: TopicSpec = { topic: names[role], partitions: opts.partitions ?? DEFAULT_TOPIC_PARTITIONS, maxMessageBytes: TOPIC_MAX_RECORD_BYTES[role] };
    if (opts.retentionMs !== undefined) spec.retentionMs = opts.retentionMs;
    return spec;
  });
}
