// StageConsumer of the in-memory fake: a polling loop over assigned partitions, committing after outputs.
import { silentLogger, type Logger } from '@spamtrap/logging';
import { abortableSleep, processChunk } from '../stage-core.js';
import type { RecordPublisher, StageConsumer, StageConsumerOptions } from '../types.js';
import type { MemoryBroker, Member } from './broker.js';

/** Same default as the real runner. */
const DEFAULT_MAX_BATCH = 500;
/** Idle poll: appends wake the loop at once; this only bounds the wait. */
const IDLE_POLL_MS = 50;

let memberSeq = 0;

export function createMemoryStageConsumer(broker: MemoryBroker, publisher: RecordPublisher, opts: StageConsumerOptions, logger: Logger = silentLogger()): StageConsumer {
  const log = logger.child({ component: 'memory-stage-consumer', stage: opts.stage });
  const maxBatch = Math.max(1, opts.maxBatch ?? DEFAULT_MAX_BATCH);
  const concurrency = Math.max(1, opts.partitionsConcurrently ?? 1);
  let running = false;
  let stopping = new AbortController();
  let loop: Promise<void> | null = null;
  let member: Member | null = null;

  const runLoop = async (m: Member): Promise<void> => {
    const group = broker.group(opts.groupId);
    let seenGeneration = -1;
    const positions = new Map<number, number>();
    while (running) {
      const generation = group.generation;
      if (generation !== seenGeneration) {
        positions.clear(); // a rebalance: start again from the group's committed offsets
        seenGeneration = generation;
      }
      const assigned = group.assignment(m, broker.partitionCount(opts.topic));
      const positionOf = (p: number): number => {
        const known = positions.get(p);
        if (known !== undefined) return known;
        const committed = group.committed.get(`${opts.topic}:${p}`);
        const start = committed !== undefined ? Number(committed) : opts.fromBeginning === false ? broker.endOffset(opts.topic, p) : 0;
        positions.set(p, start);
        return start;
      };
      const shouldContinue = (): boolean => running && !stopping.signal.aborted && group.generation === generation;
      const signal = stopping.signal;
      let worked = false;
      const work = async (p: number): Promise<void> => {
        const from = positionOf(p);
        const records = broker.read(opts.topic, p, from, maxBatch);
        if (records.length === 0 || !shouldContinue()) return;
        worked = true;
        const done = await processChunk(records, {
          stage: opts.stage,
          dlqTopic: opts.dlqTopic,
          handler: opts.handler,
          publisher,
          log,
          shouldContinue,
          heartbeat: () => Promise.resolve(),
          sleep: (ms) => abortableSleep(ms, signal),
        });
        // A commit from an old generation is refused, as the broker refuses it (ILLEGAL_GENERATION).
        if (!done || group.generation !== generation) return;
        group.committed.set(`${opts.topic}:${p}`, BigInt(from + records.length));
        positions.set(p, from + records.length);
      };
      for (let i = 0; i < assigned.length && shouldContinue(); i += concurrency) {
        await Promise.all(assigned.slice(i, i + concurrency).map(work));
      }
      if (!worked && running) await broker.waitForData(IDLE_POLL_MS);
    }
  };

  return {
    start() {
      if (running) return Promise.resolve();
      if (!broker.hasTopic(opts.topic)) return Promise.reject(new Error(`topic ${opts.topic} does not exist`));
      running = true;
      stopping = new AbortController();
      member = { id: `${opts.groupId}-${++memberSeq}` };
      broker.group(opts.groupId).join(member);
      broker.wake();
      loop = runLoop(member).catch((err: unknown) => log.error({ err }, 'memory stage consumer loop failed'));
      return Promise.resolve();
    },
    async stop() {
      if (!running) return;
      running = false;
      stopping.abort();
      broker.wake();
      await loop;
      if (member !== null) broker.group(opts.groupId).leave(member);
      member = null;
      loop = null;
    },
  };
}
