// RecordPublisher of the in-memory fake: the same all-or-nothing, bounded-time semantics as the real one.
import { PublisherClosedError } from '../errors.js';
import type { PublisherOptions, RecordPublisher } from '../types.js';
import type { MemoryBroker } from './broker.js';

/** Same default bound as KAFKA_PUBLISH_TIMEOUT_MS. */
const DEFAULT_TIMEOUT_MS = 10_000;

export function createMemoryPublisher(broker: MemoryBroker, opts: PublisherOptions = {}): RecordPublisher {
  let closed = false;
  let lastFailed = false;
  const inFlight = new Set<Promise<void>>();
  return {
    async publish(records, o) {
      if (closed) throw new PublisherClosedError();
      if (records.length === 0) return;
      const p = broker.append(records, o?.timeoutMs ?? opts.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS);
      inFlight.add(p);
      try {
        await p;
        lastFailed = false;
      } catch (err) {
        lastFailed = true;
        throw err;
      } finally {
        inFlight.delete(p);
      }
    },
    isHealthy: () => !closed && !lastFailed && !broker.unavailable,
    async close() {
      closed = true;
      await Promise.allSettled([...inFlight]);
    },
  };
}
