// Test helpers: an in-test RecordPublisher, a sink started in-process, and a raw line-level SMTP client.
import { connect, type Socket } from 'node:net';
import type { OutgoingRecord, RecordPublisher } from '@spamtrap/kafka';
import { silentLogger } from '@spamtrap/logging';
import { startSink, type RunningSink } from '../src/sink.js';
import type { SinkSettings } from '../src/context.js';
import { sinkConfigSchema } from '../src/config.js';

/** Publisher that keeps records in memory; `fail` makes publish reject, `delayMs` delays the ack. */
export class TestPublisher implements RecordPublisher {
  records: OutgoingRecord[] = [];
  fail = false;
  delayMs = 0;
  async publish(records: OutgoingRecord[]): Promise<void> {
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.fail) throw new Error('injected publish failure');
    this.records.push(...records);
  }
  isHealthy(): boolean {
    return !this.fail;
  }
  async close(): Promise<void> {}
  on(topic: string): OutgoingRecord[] {
    return this.records.filter((r) => r.topic === topic);
  }
}

export function testSettings(over: Partial<SinkSettings> = {}): SinkSettings {
  return sinkConfigSchema.load(
    { SINK_TRAP_DOMAINS: 'trap.example,*.wild.example,spam@exact.example' },
    { listen: '127.0.0.1:0', metricsListen: '', sinkId: 'test-sink', serverName: 'sink.test', pregreetMs: 0, topicRaw: 'raw', topicSessions: 'sessions', ...over },
  );
}

export async function startTestSink(over: Partial<SinkSettings> = {}, publisher = new TestPublisher()): Promise<{ sink: RunningSink; publisher: TestPublisher; port: number }> {
  const sink = await startSink(testSettings(over), { publisher, logger: silentLogger(), processMetrics: false });
  return { sink, publisher: publisher, port: sink.address.port };
}

export interface Reply {
  code: number;
  text: string;
}

/** Line-level SMTP client that reports exact reply codes (nodemailer hides some of them). */
export class RawSmtp {
  private buf = '';
  private waiters: (() => void)[] = [];
  closed = false;
  readonly socket: Socket;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      this.buf += d;
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  static open(port: number, host = '127.0.0.1'): Promise<RawSmtp> {
    return new Promise((resolve, reject) => {
      const s = connect(port, host, () => resolve(new RawSmtp(s)));
      s.once('error', reject);
    });
  }

  /** Opens, takes the 220 greeting and says EHLO: where most tests start. Fails on any other reply. */
  static async greeted(port: number, helo = 'x.example'): Promise<RawSmtp> {
    const c = await RawSmtp.open(port);
    const greeting = await c.reply();
    if (greeting.code !== 220) throw new Error(`expected 220, got ${greeting.code} ${greeting.text}`);
    const ehlo = await c.cmd(`EHLO ${helo}`);
    if (ehlo.code !== 250) throw new Error(`expected 250 to EHLO, got ${ehlo.code} ${ehlo.text}`);
    return c;
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Next complete reply (multi-line aware); rejects on close without one or after `ms`. */
  async reply(ms = 5000): Promise<Reply> {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = /^(\d{3})[ -].*\r\n/m.exec(this.buf);
      const lines = this.buf.split('\r\n');
      for (let i = 0; i < lines.length - 1; i++) {
        if (/^\d{3} /.test(lines[i]!)) {
          const text = lines.slice(0, i + 1).join('\n');
          this.buf = lines.slice(i + 1).join('\r\n');
          return { code: Number(lines[i]!.slice(0, 3)), text };
        }
      }
      void m;
      if (this.closed) throw new Error(`connection closed; unparsed: ${JSON.stringify(this.buf)}`);
      if (Date.now() > deadline) throw new Error(`no reply within ${ms} ms; buffer: ${JSON.stringify(this.buf)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  async cmd(line: string): Promise<Reply> {
    this.write(line + '\r\n');
    return this.reply();
  }

  /** Resolves when the server closed the connection (or after `ms`, rejecting). */
  async waitClosed(ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('connection still open');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A short test message with CRLF line ends. */
export function message(subject = 'test', body = 'hello'): string {
  return `From: a@sender.example\r\nTo: x@trap.example\r\nSubject: ${subject}\r\nMessage-ID: <${Math.random()}@sender.example>\r\n\r\n${body}\r\n`;
}

/** MAIL/RCPT/DATA for one message over an open session; returns the final reply. */
export async function sendOne(c: RawSmtp, rcpt = 'x@trap.example', body = message()): Promise<Reply> {
  const m = await c.cmd('MAIL FROM:<a@sender.example>');
  if (m.code !== 250) return m;
  const r = await c.cmd(`RCPT TO:<${rcpt}>`);
  if (r.code !== 250) return r;
  const d = await c.cmd('DATA');
  if (d.code !== 354) return d;
  c.write(body.replace(/^\./gm, '..') + '.\r\n');
  return c.reply(15000);
}
