// TopicAdmin of the in-memory fake.
import type { TopicAdmin } from '../types.js';
import type { MemoryBroker } from './broker.js';

export function createMemoryAdmin(broker: MemoryBroker): TopicAdmin {
  return {
    ensureTopics(specs) {
      for (const s of specs) broker.createTopic(s.topic, s.partitions, s.maxMessageBytes);
      return Promise.resolve();
    },
    deleteTopics(topics) {
      for (const t of topics) broker.deleteTopic(t);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}
