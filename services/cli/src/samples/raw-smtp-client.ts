// A minimal SMTP client over a raw socket that can misbehave on purpose (PROXY line, HTTP lines before HELO).
//
// nodemailer's client (used by `spamtrap replay`) speaks clean SMTP only; scenarios must also send
// what spamware sends through open proxies, so this client writes exactly the lines it is given.
import { connect, type Socket } from 'node:net';

export interface SmtpReply {
  code: number;
  text: string;
}

export interface RawSession {
  /** Replies in order, starting with the greeting (or whatever the server said first). */
  replies: SmtpReply[];
  /** True when the server accepted the message with 250 after the final dot. */
  accepted: boolean;
  /** The reply to the final dot, when the session got that far. */
  dataReply: SmtpReply | null;
  /** True when the server closed the connection before QUIT. */
  closedEarly: boolean;
}

export interface RawSendOptions {
  host: string;
  port: number;
  /** Source IP to claim in a PROXY v1 header (the sink must trust us as a front). */
  proxyFrom?: string;
  /** Lines sent right after the greeting, before HELO (each is answered by the server). */
  preamble?: string[];
  helo: string;
  mailFrom: string;
  rcptTo: string[];
  message: string;
  timeoutMs?: number;
}

/** Reads SMTP replies (multi-line aware) from a socket. */
class ReplyReader {
  private buf = '';
  private waiters: ((r: SmtpReply | null) => void)[] = [];
  private queue: SmtpReply[] = [];
  private lines: string[] = [];
  closed = false;

  constructor(socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buf += chunk;
      let i: number;
      while ((i = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, i).replace(/\r$/, '');
        this.buf = this.buf.slice(i + 1);
        this.lines.push(line.slice(4));
        if (line[3] !== '-') {
          this.push({ code: Number(line.slice(0, 3)) || 0, text: this.lines.join('\n') });
          this.lines = [];
        }
      }
    });
    const end = (): void => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w(null);
    };
    socket.on('close', end);
    socket.on('error', end);
  }

  private push(r: SmtpReply): void {
    const w = this.waiters.shift();
    if (w) w(r);
    else this.queue.push(r);
  }

  next(): Promise<SmtpReply | null> {
    const r = this.queue.shift();
    if (r) return Promise.resolve(r);
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

function dotStuff(message: string): string {
  const body = message.replace(/\r?\n/g, '\r\n');
  const stuffed = body.replace(/(^|\r\n)\./g, '$1..');
  return stuffed.endsWith('\r\n') ? stuffed : stuffed + '\r\n';
}

/** Runs one SMTP session; never throws for protocol outcomes, only reports them. */
export async function sendRaw(o: RawSendOptions): Promise<RawSession> {
  const socket = connect({ host: o.host, port: o.port });
  socket.setTimeout(o.timeoutMs ?? 15_000, () => socket.destroy(new Error('SMTP timeout')));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const reader = new ReplyReader(socket);
  const replies: SmtpReply[] = [];
  const session: RawSession = { replies, accepted: false, dataReply: null, closedEarly: false };
  const write = (line: string): void => {
    if (!socket.destroyed) socket.write(line + '\r\n', 'latin1');
  };
  const read = async (): Promise<SmtpReply | null> => {
    const r = await reader.next();
    if (r) replies.push(r);
    else session.closedEarly = true;
    return r;
  };
  try {
    if (o.proxyFrom !== undefined) {
      const fam = o.proxyFrom.includes(':') ? 'TCP6' : 'TCP4';
      const dst = fam === 'TCP6' ? '::1' : '127.0.0.1';
      write(`PROXY ${fam} ${o.proxyFrom} ${dst} ${40000 + Math.floor(Math.random() * 20000)} ${o.port}`);
    }
    const greeting = await read();
    if (!greeting || greeting.code !== 220) return session;
    // The sink answers every preamble line, the blank one that ends it included (502 / 500, as Postfix does).
    for (const line of o.preamble ?? []) {
      write(line);
      if (!(await read())) return session;
    }
    write(`EHLO ${o.helo}`);
    if ((await read())?.code !== 250) return session;
    write(`MAIL FROM:<${o.mailFrom}>`);
    if ((await read())?.code !== 250) return session;
    let anyRcpt = false;
    for (const r of o.rcptTo) {
      write(`RCPT TO:<${r}>`);
      if ((await read())?.code === 250) anyRcpt = true;
    }
    if (!anyRcpt) return session;
    write('DATA');
    if ((await read())?.code !== 354) return session;
    socket.write(dotStuff(o.message) + '.\r\n', 'latin1');
    session.dataReply = await read();
    session.accepted = session.dataReply?.code === 250;
    write('QUIT');
    await read();
    return session;
  } finally {
    socket.end();
    socket.destroy();
  }
}
