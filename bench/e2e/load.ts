// Open-loop SMTP load: messages fall due at a fixed rate and idle pooled sessions take them; records each 250's evidence id and time.
//
// Open loop: the schedule does not wait for the sink. A message that falls due while every session
// is busy waits in a backlog (its schedule-to-250 time shows it), so a slow sink shows up as a
// lower achieved 250 rate and a growing backlog, not as a politely lower offered rate.
import { connect, type Socket } from 'node:net';
import type { MessageTemplate } from './messages.js';

export interface LoadOptions {
  host: string;
  port: number;
  /** Messages per second offered. */
  rate: number;
  seconds: number;
  /** SMTP sessions in the pool. */
  concurrency: number;
  /** Messages per session before QUIT and a fresh connection (1 = one message per connection). */
  perConnection: number;
  templates: readonly MessageTemplate[];
  /** Called for every accepted message with its evidence id and the time its 250 arrived. */
  onAccepted(evidenceId: string, at: number): void;
  /** Per-reply timeout; a session that exceeds it is dropped and counted. */
  timeoutMs?: number;
}

export interface LoadResult {
  offered: number;
  accepted: number;
  /** 4xx replies to any command (temporary refusals: back-pressure). */
  tempFailures: number;
  /** 5xx replies (should be 0). */
  permFailures: number;
  /** Sessions that died (timeout, reset) with a message in flight. */
  broken: number;
  /** Messages still unsent when the run ended (the backlog the sink could not take in time). */
  unsent: number;
  maxBacklog: number;
  /** Milliseconds from when each message fell due to its 250 (includes backlog wait). */
  dueTo250: number[];
  firstAccepted: number;
  lastAccepted: number;
  startedAt: number;
  endedAt: number;
}

interface Reply {
  code: number;
  text: string;
}

/** One SMTP session over a raw socket; replies are matched to commands strictly in order. */
class Session {
  private buf = '';
  private lines: string[] = [];
  private waiter: ((r: Reply | null) => void) | null = null;
  private pending: Reply[] = [];
  private closed = false;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => this.onData(chunk));
    const end = (): void => {
      this.closed = true;
      const w = this.waiter;
      this.waiter = null;
      w?.(null);
    };
    socket.on('close', end);
    socket.on('error', end);
  }

  static async open(host: string, port: number, proxyFrom: string): Promise<Session | null> {
    const socket = connect({ host, port });
    const ok = await new Promise<boolean>((resolve) => {
      socket.once('connect', () => resolve(true));
      socket.once('error', () => resolve(false));
    });
    if (!ok) return null;
    const s = new Session(socket);
    socket.write(`PROXY TCP4 ${proxyFrom} 127.0.0.1 ${40000 + (port % 20000)} 25\r\n`);
    return s;
  }

  private onData(chunk: string): void {
    this.buf += chunk;
    let i: number;
    while ((i = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + 1);
      this.lines.push(line.slice(4).trimEnd());
      if (line[3] !== '-') {
        const r = { code: Number(line.slice(0, 3)) || 0, text: this.lines.join('\n') };
        this.lines = [];
        const w = this.waiter;
        this.waiter = null;
        if (w) w(r);
        else this.pending.push(r);
      }
    }
  }

  read(timeoutMs: number): Promise<Reply | null> {
    const r = this.pending.shift();
    if (r) return Promise.resolve(r);
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.waiter = null;
        this.socket.destroy();
        resolve(null);
      }, timeoutMs);
      this.waiter = (x) => {
        clearTimeout(t);
        resolve(x);
      };
    });
  }

  write(data: string | Buffer): void {
    if (!this.closed) this.socket.write(data);
  }

  writeMessage(t: MessageTemplate, seq: string): void {
    if (this.closed) return;
    this.socket.cork();
    this.socket.write(t.head);
    this.socket.write(seq, 'latin1');
    this.socket.write(t.tail);
    this.socket.uncork();
  }

  close(): void {
    if (!this.closed) this.socket.end('QUIT\r\n');
  }
}

/** How long after the schedule ends the pool keeps draining the backlog before giving up on it. */
const DRAIN_GRACE_MS = 30_000;

const QUEUED_AS = /queued as (\S+)/;

/** Runs the open-loop load for `seconds`, then lets in-flight messages finish (unsent backlog is dropped and counted). */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const timeoutMs = o.timeoutMs ?? 30_000;
  const total = Math.round(o.rate * o.seconds);
  const res: LoadResult = {
    offered: 0,
    accepted: 0,
    tempFailures: 0,
    permFailures: 0,
    broken: 0,
    unsent: 0,
    maxBacklog: 0,
    dueTo250: [],
    firstAccepted: 0,
    lastAccepted: 0,
    startedAt: Date.now(),
    endedAt: 0,
  };
  // Due times of messages not yet taken by a session, oldest first.
  const backlog: number[] = [];
  let backlogHead = 0;
  const idle: ((due: number | null) => void)[] = [];
  let scheduled = 0;
  let done = false;
  const start = performance.now();
  const dueAt = (i: number): number => start + (i * 1000) / o.rate;

  const ticker = setInterval(() => {
    const now = performance.now();
    while (scheduled < total && dueAt(scheduled) <= now) {
      const due = dueAt(scheduled++);
      res.offered++;
      const w = idle.shift();
      if (w) w(due);
      else backlog.push(due);
    }
    const waiting = backlog.length - backlogHead;
    if (waiting > res.maxBacklog) res.maxBacklog = waiting;
    if (scheduled >= total) {
      clearInterval(ticker);
      done = true;
      for (const w of idle.splice(0)) w(null);
    }
  }, 2);

  // A saturated sink would keep the backlog draining for ever; past this the rest counts as unsent.
  const hardStop = Date.now() + o.seconds * 1000 + DRAIN_GRACE_MS;
  const take = (): Promise<number | null> => {
    if (Date.now() > hardStop) return Promise.resolve(null);
    if (backlogHead < backlog.length) return Promise.resolve(backlog[backlogHead++]!);
    if (done) return Promise.resolve(null);
    return new Promise((resolve) => idle.push(resolve));
  };

  let seq = 0;
  let peerSeq = 0;
  const worker = async (slot: number): Promise<void> => {
    while (!(done && backlogHead >= backlog.length) && Date.now() <= hardStop) {
      const t = o.templates[(slot + peerSeq) % o.templates.length]!;
      const s = await Session.open(o.host, o.port, t.peerIp(peerSeq++ * 2654435761));
      if (!s) {
        res.broken++;
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      const greet = await s.read(timeoutMs);
      if (!greet || greet.code !== 220) {
        if (greet && greet.code >= 400 && greet.code < 500) res.tempFailures++;
        s.close();
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      s.write(`EHLO ${t.helo}\r\n`);
      if ((await s.read(timeoutMs))?.code !== 250) {
        s.close();
        continue;
      }
      for (let k = 0; k < o.perConnection; k++) {
        const due = await take();
        if (due === null) break;
        const ok = await sendOne(s, t, due);
        if (!ok) break;
      }
      s.close();
    }
  };

  /** MAIL, RCPT, DATA, message; false when the session cannot go on. */
  const sendOne = async (s: Session, t: MessageTemplate, due: number): Promise<boolean> => {
    const fail = (r: Reply | null): boolean => {
      if (r === null) res.broken++;
      else if (r.code >= 500) res.permFailures++;
      else res.tempFailures++;
      return false;
    };
    s.write(`MAIL FROM:<${t.mailFrom}>\r\n`);
    let r = await s.read(timeoutMs);
    if (r?.code !== 250) return fail(r);
    s.write(`RCPT TO:<${t.rcptTo}>\r\n`);
    r = await s.read(timeoutMs);
    if (r?.code !== 250) return fail(r);
    s.write('DATA\r\n');
    r = await s.read(timeoutMs);
    if (r?.code !== 354) return fail(r);
    s.writeMessage(t, String(seq++));
    r = await s.read(timeoutMs);
    if (r?.code !== 250) {
      fail(r);
      // A 4xx after the dot ends only the transaction; the session may go on.
      return r !== null && r.code < 500 && r.code !== 421;
    }
    const at = Date.now();
    const m = QUEUED_AS.exec(r.text);
    if (!m) {
      res.permFailures++;
      return true;
    }
    res.accepted++;
    if (res.firstAccepted === 0) res.firstAccepted = at;
    res.lastAccepted = at;
    res.dueTo250.push(performance.now() - due);
    o.onAccepted(m[1]!, at);
    return true;
  };

  await Promise.all(Array.from({ length: o.concurrency }, (_, i) => worker(i)));
  res.unsent = backlog.length - backlogHead;
  res.endedAt = Date.now();
  return res;
}
