// A small DNS server on 127.0.0.1 (UDP) answering from zones a test or the demo controls: failures on demand, and a query log.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import * as dnsPacket from 'dns-packet';

/** What a name answers. A name not configured at all answers NXDOMAIN. */
export interface NameSpec {
  A?: string[];
  AAAA?: string[];
  PTR?: string[];
  /** TTL of every answer record (seconds, default 300). */
  ttl?: number;
  /** Answer with this error code instead of records. */
  rcode?: 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED';
  /** Never answer (the client times out). */
  drop?: boolean;
  /** Answer after this many milliseconds. */
  delayMs?: number;
}

export interface LoggedQuery {
  name: string;
  type: string;
  at: number;
}

const RCODES = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;

function norm(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** The PTR owner name of an IPv4 address (`4.3.2.1.in-addr.arpa`); for IPv6 use `reverseName` from @spamtrap/ip. */
export function ptrName4(ip: string): string {
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
}

export class TestDnsServer {
  readonly queries: LoggedQuery[] = [];
  private readonly zone = new Map<string, NameSpec>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly socket: Socket,
    readonly port: number,
  ) {}

  /** Start on 127.0.0.1 with a random free port (or `opts.port`, e.g. a fixed port for the demo). */
  static async start(zone: Record<string, NameSpec> = {}, opts: { port?: number } = {}): Promise<TestDnsServer> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(opts.port ?? 0, '127.0.0.1', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    const server = new TestDnsServer(socket, socket.address().port);
    for (const [name, spec] of Object.entries(zone)) server.set(name, spec);
    socket.on('message', (msg, rinfo) => server.onMessage(msg, rinfo));
    return server;
  }

  /** `127.0.0.1:port`, as a resolver's server setting. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Configure (replace) what a name answers. */
  set(name: string, spec: NameSpec): void {
    this.zone.set(norm(name), spec);
  }

  delete(name: string): void {
    this.zone.delete(norm(name));
  }

  /** How many queries for `name` (and `type`, when given) arrived. */
  count(name: string, type?: string): number {
    const n = norm(name);
    return this.queries.filter((q) => q.name === n && (type === undefined || q.type === type)).length;
  }

  clearLog(): void {
    this.queries.length = 0;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  private onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    let query: dnsPacket.DecodedPacket;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return; // not DNS: ignore, as a real server would
    }
    const q = query.questions?.[0];
    if (q === undefined) return;
    const name = norm(q.name);
    this.queries.push({ name, type: q.type, at: Date.now() });
    const spec = this.zone.get(name);
    if (spec?.drop === true) return;
    const reply = this.answer(query, q, spec);
    const send = (): void => this.socket.send(reply, rinfo.port, rinfo.address);
    if (spec?.delayMs !== undefined && spec.delayMs > 0) {
      const t = setTimeout(() => {
        this.timers.delete(t);
        send();
      }, spec.delayMs);
      this.timers.add(t);
    } else send();
  }

  private answer(query: dnsPacket.DecodedPacket, q: dnsPacket.Question, spec: NameSpec | undefined): Buffer {
    const rcode = spec === undefined ? RCODES.NXDOMAIN : RCODES[spec.rcode ?? 'NOERROR'];
    const answers: dnsPacket.Answer[] = [];
    if (spec !== undefined && rcode === RCODES.NOERROR) {
      const ttl = spec.ttl ?? 300;
      if (q.type === 'A') for (const a of spec.A ?? []) answers.push({ type: 'A', name: q.name, ttl, data: a });
      if (q.type === 'AAAA') for (const a of spec.AAAA ?? []) answers.push({ type: 'AAAA', name: q.name, ttl, data: a });
      if (q.type === 'PTR') for (const p of spec.PTR ?? []) answers.push({ type: 'PTR', name: q.name, ttl, data: p });
    }
    return dnsPacket.encode({
      type: 'response',
      id: query.id ?? 0,
      flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_AVAILABLE | ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED) | rcode,
      questions: [q],
      answers,
    });
  }
}
