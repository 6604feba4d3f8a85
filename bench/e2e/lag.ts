// Consumer-group lag per stage (records produced but not yet committed), sampled once a second, to show which stage holds the backlog.
//
// A benchmark-only diagnostic: it talks to Kafka's admin API directly (kafkajs) because the
// service adapter deliberately exposes no offset queries. One admin connection, two small
// requests per group per second.
import { Kafka, logLevel, type Admin } from 'kafkajs';

export interface StageGroup {
  stage: string;
  groupId: string;
  topic: string;
}

export class LagSampler {
  private readonly admin: Admin;
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  /** Highest lag seen per stage since the last reset. */
  max = new Map<string, number>();

  constructor(
    brokers: string[],
    private readonly groups: readonly StageGroup[],
  ) {
    this.admin = new Kafka({ clientId: 'bench-e2e-lag', brokers, logLevel: logLevel.NOTHING }).admin();
  }

  async start(): Promise<void> {
    await this.admin.connect();
    this.timer = setInterval(() => void this.poll(), 1000);
  }

  reset(): void {
    this.max = new Map();
  }

  async lag(): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const g of this.groups) {
      const ends = await this.admin.fetchTopicOffsets(g.topic);
      const committed = await this.admin.fetchOffsets({ groupId: g.groupId, topics: [g.topic] });
      const done = new Map<number, number>();
      for (const t of committed) for (const p of t.partitions) done.set(p.partition, Math.max(0, Number(p.offset)));
      let lag = 0;
      for (const p of ends) lag += Math.max(0, Number(p.high) - (done.get(p.partition) ?? 0));
      out.set(g.stage, lag);
    }
    return out;
  }

  private async poll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (const [stage, lag] of await this.lag()) this.max.set(stage, Math.max(lag, this.max.get(stage) ?? 0));
    } catch {
      // A missed sample only lowers the resolution of the max.
    } finally {
      this.busy = false;
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.admin.disconnect().catch(() => undefined);
  }
}
