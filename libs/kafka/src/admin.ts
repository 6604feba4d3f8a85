// TopicAdmin over the kafkajs admin client: create missing topics with limits, wait for leaders, delete.
import type { Admin, ITopicConfig } from 'kafkajs';
import { ConfigResourceTypes, KafkaJSProtocolError } from './kafkajs.js';
import type { KafkaHandle } from './client.js';
import type { TopicAdmin, TopicSpec } from './types.js';

/** Production clusters keep 3 copies; a dev cluster with fewer brokers gets one per broker. */
const MAX_REPLICATION_FACTOR = 3;

/**
 * Existing topics are left alone, but one created elsewhere with a smaller `max.message.bytes` or
 * fewer partitions than the spec would refuse large messages or cap parallelism: say so loudly.
 */
async function mismatches(admin: Admin, specs: TopicSpec[]): Promise<string[]> {
  if (specs.length === 0) return [];
  const problems: string[] = [];
  const meta = await admin.fetchTopicMetadata({ topics: specs.map((s) => s.topic) });
  for (const t of meta.topics) {
    const spec = specs.find((s) => s.topic === t.name);
    if (spec !== undefined && t.partitions.length < spec.partitions) problems.push(`topic ${t.name} has ${t.partitions.length} partitions, spec asks for ${spec.partitions}`);
  }
  const sized = specs.filter((s) => s.maxMessageBytes !== undefined);
  if (sized.length === 0) return problems;
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: sized.map((s) => ({ type: ConfigResourceTypes.TOPIC, name: s.topic, configNames: ['max.message.bytes'] })),
  });
  for (const r of described.resources) {
    const spec = sized.find((s) => s.topic === r.resourceName);
    const value = Number(r.configEntries.find((e) => e.configName === 'max.message.bytes')?.configValue);
    if (spec?.maxMessageBytes !== undefined && Number.isFinite(value) && value < spec.maxMessageBytes) {
      problems.push(`topic ${r.resourceName} has max.message.bytes=${value}, spec asks for ${spec.maxMessageBytes}: larger records will be refused`);
    }
  }
  return problems;
}

export function createTopicAdmin(kafka: KafkaHandle): TopicAdmin {
  const admin: Admin = kafka.client.admin();
  const log = kafka.logger.child({ component: 'kafka-admin' });
  let connecting: Promise<void> | null = null;
  const ready = (): Promise<void> => {
    connecting ??= admin.connect().catch((err: unknown) => {
      connecting = null;
      throw err;
    });
    return connecting;
  };

  return {
    async ensureTopics(specs: TopicSpec[]) {
      if (specs.length === 0) return;
      await ready();
      const existing = new Set(await admin.listTopics());
      const missing = specs.filter((s) => !existing.has(s.topic));
      const present = specs.filter((s) => existing.has(s.topic));
      for (const problem of await mismatches(admin, present).catch((err: unknown) => [`could not check existing topics: ${String(err)}`])) {
        log.warn({ problem }, 'existing kafka topic differs from its spec');
      }
      if (missing.length === 0) return;
      // CreateTopics v3 (kafkajs' max) cannot ask for the broker default factor (-1 needs v4).
      const { brokers } = await admin.describeCluster();
      const replicationFactor = Math.max(1, Math.min(MAX_REPLICATION_FACTOR, brokers.length));
      const topics: ITopicConfig[] = missing.map((s) => {
        const configEntries: { name: string; value: string }[] = [];
        if (s.maxMessageBytes !== undefined) configEntries.push({ name: 'max.message.bytes', value: String(s.maxMessageBytes) });
        if (s.retentionMs !== undefined) configEntries.push({ name: 'retention.ms', value: String(s.retentionMs) });
        return { topic: s.topic, numPartitions: s.partitions, replicationFactor, configEntries };
      });
      try {
        // Resolves false when every topic already existed (a concurrent creator won): fine.
        await admin.createTopics({ topics, waitForLeaders: true, timeout: kafka.config.requestTimeoutMs });
      } catch (err) {
        if (!(err instanceof KafkaJSProtocolError && err.type === 'TOPIC_ALREADY_EXISTS')) throw err;
      }
      log.info({ topics: missing.map((s) => s.topic) }, 'created kafka topics');
    },
    async deleteTopics(names: string[]) {
      if (names.length === 0) return;
      await ready();
      const existing = new Set(await admin.listTopics());
      const present = names.filter((t) => existing.has(t));
      if (present.length === 0) return;
      await admin.deleteTopics({ topics: present, timeout: kafka.config.requestTimeoutMs });
    },
    async close() {
      await admin.disconnect();
    },
  };
}
