// createMemoryKafka: the in-memory KafkaAdapter for unit tests of services, with fault injection and inspection.
import { silentLogger, type Logger } from '@spamtrap/logging';
import type { IncomingRecord, KafkaAdapter, RecordPublisher, TopicAdmin } from '../types.js';
import { createMemoryAdmin } from './admin.js';
import { MemoryBroker, MemoryKafkaError, type PublishFault } from './broker.js';
import { createMemoryPublisher } from './publisher.js';
import { createMemoryStageConsumer } from './stage-consumer.js';

export interface MemoryKafka extends KafkaAdapter {
  readonly broker: MemoryBroker;
  /** A ready publisher and admin for tests that need just one. */
  readonly publisher: RecordPublisher;
  readonly admin: TopicAdmin;
  /** Every record of a topic, partition by partition. */
  records(topic: string): IncomingRecord[];
  /** Fail the next `n` publishes (any publisher) with a retriable broker error. */
  failNextPublishes(n: number, err?: Error): void;
  /** Fail publishes while `fault` returns an error; returns the function that removes it. */
  injectPublishFault(fault: PublishFault): () => void;
  /** Simulate Kafka unreachable: publishes time out, publishers report unhealthy. */
  setUnavailable(unavailable: boolean): void;
  /** Committed next offset of a group on a partition, or null. */
  committed(groupId: string, topic: string, partition: number): bigint | null;
}

export function createMemoryKafka(logger: Logger = silentLogger()): MemoryKafka {
  const broker = new MemoryBroker();
  return {
    broker,
    publisher: createMemoryPublisher(broker),
    admin: createMemoryAdmin(broker),
    createPublisher: (opts) => createMemoryPublisher(broker, opts),
    createAdmin: () => createMemoryAdmin(broker),
    createStageConsumer: (publisher, opts) => createMemoryStageConsumer(broker, publisher, opts, logger),
    records: (topic) => broker.all(topic),
    failNextPublishes(n, err) {
      let left = n;
      const remove = broker.addFault(() => {
        if (left <= 0) return null;
        if (--left === 0) remove();
        return err ?? new MemoryKafkaError('NOT_ENOUGH_REPLICAS', 'injected publish failure', true);
      });
    },
    injectPublishFault: (fault) => broker.addFault(fault),
    setUnavailable(unavailable) {
      broker.unavailable = unavailable;
    },
    committed: (groupId, topic, partition) => broker.committed(groupId, topic, partition),
  };
}
