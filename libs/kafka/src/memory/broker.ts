// In-memory broker for unit tests: topics with partitions and size limits, offsets, consumer groups, fault injection.
import { PublishTimeoutError } from '../errors.js';
import type { IncomingRecord, OutgoingRecord } from '../types.js';

/** Kafka's broker default `message.max.bytes` (1 MiB + 12), used when a spec gives none. */
export const BROKER_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

/** An error shaped like a kafkajs protocol error, so `isRecordRejectedError` treats both alike. */
export class MemoryKafkaError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly retriable = false,
  ) {
    super(message);
    this.name = 'MemoryKafkaError';
  }
}

interface MemTopic {
  partitions: IncomingRecord[][];
  maxMessageBytes: number;
  nextRoundRobin: number;
}

/** Decides whether a publish fails: return an Error to fail it, null to let it through. */
export type PublishFault = (records: OutgoingRecord[]) => Error | null;

interface Member {
  id: string;
}

class MemGroup {
  members: Member[] = [];
  generation = 0;
  readonly committed = new Map<string, bigint>();

  join(m: Member): void {
    this.members.push(m);
    this.generation++;
  }
  leave(m: Member): void {
    this.members = this.members.filter((x) => x !== m);
    this.generation++;
  }
  /** Round-robin over members in join order, like kafkajs' default assigner for one topic. */
  assignment(m: Member, partitionCount: number): number[] {
    const i = this.members.indexOf(m);
    if (i < 0) return [];
    const out: number[] = [];
    for (let p = i; p < partitionCount; p += this.members.length) out.push(p);
    return out;
  }
}

function toBuffer(v: string | Buffer): Buffer {
  return Buffer.isBuffer(v) ? Buffer.from(v) : Buffer.from(v, 'utf8');
}

/** FNV-1a over the key bytes: stable key → partition mapping (not Kafka's murmur2; the fake only needs stability). */
function hashKey(key: Buffer): number {
  let h = 0x811c9dc5;
  for (const b of key) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

export class MemoryBroker {
  private readonly topics = new Map<string, MemTopic>();
  private readonly groups = new Map<string, MemGroup>();
  private waiters: (() => void)[] = [];
  private faults: PublishFault[] = [];
  /** When true, publishes never get an acknowledgement (Kafka unreachable). */
  unavailable = false;

  createTopic(name: string, partitions: number, maxMessageBytes = BROKER_DEFAULT_MAX_MESSAGE_BYTES): boolean {
    if (this.topics.has(name)) return false;
    this.topics.set(name, { partitions: Array.from({ length: Math.max(1, partitions) }, () => []), maxMessageBytes, nextRoundRobin: 0 });
    return true;
  }
  deleteTopic(name: string): void {
    this.topics.delete(name);
  }
  hasTopic(name: string): boolean {
    return this.topics.has(name);
  }
  partitionCount(name: string): number {
    return this.topics.get(name)?.partitions.length ?? 0;
  }
  /** Records of one partition from `from` (an index, which is also the offset). */
  read(topic: string, partition: number, from: number, max: number): IncomingRecord[] {
    return this.topics.get(topic)?.partitions[partition]?.slice(from, from + max) ?? [];
  }
  endOffset(topic: string, partition: number): number {
    return this.topics.get(topic)?.partitions[partition]?.length ?? 0;
  }
  /** Every record of a topic, partition by partition (tests). */
  all(topic: string): IncomingRecord[] {
    return this.topics.get(topic)?.partitions.flat() ?? [];
  }

  /** Fail publishes while `fault` returns an Error; returns a function removing the fault. */
  addFault(fault: PublishFault): () => void {
    this.faults.push(fault);
    return () => {
      this.faults = this.faults.filter((f) => f !== fault);
    };
  }

  /** Appends all records or none (like one produce request), checking topic and size limits. */
  async append(records: OutgoingRecord[], timeoutMs: number): Promise<void> {
    await new Promise((r) => setImmediate(r)); // acknowledgements are never synchronous
    if (this.unavailable) {
      await new Promise((r) => setTimeout(r, timeoutMs));
      throw new PublishTimeoutError(timeoutMs);
    }
    for (const f of this.faults) {
      const err = f(records);
      if (err !== null) throw err;
    }
    const placed: [IncomingRecord[], IncomingRecord][] = [];
    for (const r of records) {
      const t = this.topics.get(r.topic);
      if (t === undefined) throw new MemoryKafkaError('UNKNOWN_TOPIC_OR_PARTITION', `This server does not host this topic-partition (${r.topic})`);
      const key = r.key === null ? null : toBuffer(r.key);
      const value = toBuffer(r.value);
      const headers: Record<string, Buffer | undefined> = {};
      let size = value.length + (key?.length ?? 0);
      for (const [k, v] of Object.entries(r.headers ?? {})) {
        headers[k] = toBuffer(v);
        size += k.length + headers[k].length;
      }
      if (size > t.maxMessageBytes) throw new MemoryKafkaError('MESSAGE_TOO_LARGE', `The request included a message larger than the max message size the server will accept (${size} > ${t.maxMessageBytes})`);
      const partition = key === null ? t.nextRoundRobin++ % t.partitions.length : hashKey(key) % t.partitions.length;
      const log = t.partitions[partition]!;
      placed.push([log, { topic: r.topic, partition, offset: '', key, value, headers, timestamp: String(Date.now()) }]);
    }
    for (const [log, rec] of placed) {
      rec.offset = String(log.length);
      log.push(rec);
    }
    this.wake();
  }

  /** Resolves when something is appended or after `ms`. */
  waitForData(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.push(done);
    });
  }
  /** Wake consumers (also after a rebalance). */
  wake(): void {
    for (const w of this.waiters.slice()) w();
  }

  group(id: string): MemGroup {
    let g = this.groups.get(id);
    if (g === undefined) this.groups.set(id, (g = new MemGroup()));
    return g;
  }
  /** Committed next offset of a group on one partition, or null (tests). */
  committed(groupId: string, topic: string, partition: number): bigint | null {
    return this.groups.get(groupId)?.committed.get(`${topic}:${partition}`) ?? null;
  }
}

export type { MemGroup, Member };
