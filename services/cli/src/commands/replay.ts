// `spamtrap replay`: sends archived messages through a sink over SMTP (optionally behind a PROXY v1 header).
import { isIPv4, isIPv6, connect as netConnect, type Socket } from 'node:net';
import { resolve } from 'node:path';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { DEFAULT_MAX_MESSAGE_BYTES } from '@spamtrap/contracts';
import { UsageError, type CommandSpec } from '../command.js';
import { createProgress, envelopeOf, readArchive, type ArchiveEntry, type ArchiveFormat } from '../archive/index.js';

const USAGE = `Usage: spamtrap replay --smtp HOST:PORT [options] PATH...

Sends every message of the archives (.eml folders, mbox files, Maildirs) to an SMTP server, as is
(nodemailer's SMTP client; SMTP requires CRLF, so bare LF line ends go out as CRLF).
  --smtp HOST:PORT      the sink to send to (required)
  --concurrency N       parallel SMTP sessions (default 4); each sends many messages
  --proxy-from IP       open each session with "PROXY TCP4|TCP6 IP ..." claiming that source address
                        (for a sink that lists this client in SINK_PROXY_FROM)
  --from ADDR           MAIL FROM for every message (default: Return-Path, else From; <> stays null)
  --to ADDR[,ADDR]      RCPT TO for every message (default: To + Cc of the message)
  --helo NAME           EHLO name (default replay.invalid)
  --format F            auto (default) | eml | mbox | maildir
  --max-bytes N         larger messages are skipped as malformed (default ${DEFAULT_MAX_MESSAGE_BYTES})
Prints sent / accepted / rejected (by reply code) / malformed / no recipient and the rate. Exit 0
when every readable message was sent and accepted, 1 otherwise.
`;

/** SMTP timeouts of the client: a sink that stops answering fails the session, not the whole run. */
const SOCKET_TIMEOUT_MS = 60_000;

interface Args {
  host: string;
  port: number;
  concurrency: number;
  proxyFrom: string | null;
  from?: string;
  to?: string[];
  helo: string;
  format: ArchiveFormat | 'auto';
  maxBytes: number;
  paths: string[];
}

function parseArgs(argv: string[], cwd: string): Args {
  let smtp: string | null = null;
  const a: Omit<Args, 'host' | 'port'> = { concurrency: 4, proxyFrom: null, helo: 'replay.invalid', format: 'auto', maxBytes: DEFAULT_MAX_MESSAGE_BYTES, paths: [] };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]!;
    const v = (): string => {
      const x = argv[++i];
      if (x === undefined) throw new UsageError(`${k} needs a value`);
      return x;
    };
    if (k === '--smtp') smtp = v();
    else if (k === '--concurrency') {
      a.concurrency = Number(v());
      if (!Number.isSafeInteger(a.concurrency) || a.concurrency < 1 || a.concurrency > 1000) throw new UsageError('--concurrency must be 1..1000');
    } else if (k === '--proxy-from') {
      const ip = v();
      if (!isIPv4(ip) && !isIPv6(ip)) throw new UsageError(`--proxy-from needs an IP address, not "${ip}"`);
      a.proxyFrom = ip;
    } else if (k === '--from') a.from = v().replace(/^<(.*)>$/, '$1');
    else if (k === '--to') a.to = [...(a.to ?? []), ...v().split(',').filter((s) => s !== '')];
    else if (k === '--helo') a.helo = v();
    else if (k === '--format') {
      const f = v();
      if (!['auto', 'eml', 'mbox', 'maildir'].includes(f)) throw new UsageError(`--format must be auto, eml, mbox or maildir`);
      a.format = f as Args['format'];
    } else if (k === '--max-bytes') a.maxBytes = Number(v());
    else if (k.startsWith('-')) throw new UsageError(`unknown option "${k}"`);
    else a.paths.push(resolve(cwd, k));
  }
  if (smtp === null) throw new UsageError('--smtp HOST:PORT is required');
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(smtp);
  if (m === null) throw new UsageError(`--smtp must be HOST:PORT, not "${smtp}"`);
  if (a.paths.length === 0) throw new UsageError('give at least one PATH');
  return { ...a, host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

export interface ReplaySummary {
  sent: number;
  accepted: number;
  rejected: Map<string, number>;
  malformed: number;
  /** Readable messages with no recipient to send to (no To/Cc and no --to). */
  noRecipient: number;
  seconds: number;
}

/** Opens one SMTP session, with the PROXY v1 line first when asked. */
async function openSession(a: Args): Promise<SMTPConnection> {
  let socket: Socket | undefined;
  if (a.proxyFrom !== null) {
    socket = await new Promise<Socket>((res, rej) => {
      const s = netConnect(a.port, a.host, () => res(s));
      s.once('error', rej);
    });
    const fam = isIPv6(a.proxyFrom) ? 'TCP6' : 'TCP4';
    const dst = socket.remoteAddress ?? a.host;
    const dstIp = fam === 'TCP4' ? dst.replace(/^::ffff:/, '') : dst;
    // Source port: any plausible client port; the sink records it as the peer's.
    socket.write(`PROXY ${fam} ${a.proxyFrom} ${dstIp} ${socket.localPort ?? 1024} ${a.port}\r\n`);
  }
  const conn = new SMTPConnection({ host: a.host, port: a.port, name: a.helo, socketTimeout: SOCKET_TIMEOUT_MS, greetingTimeout: SOCKET_TIMEOUT_MS, ...(socket ? { connection: socket } : {}), tls: { rejectUnauthorized: false } });
  conn.on('error', () => undefined); // failures surface through connect/send callbacks
  await new Promise<void>((res, rej) => conn.connect((err?: Error) => (err ? rej(err) : res())));
  return conn;
}

type SendResult = { ok: true } | { ok: false; code: string; fatal: boolean };

function sendOn(conn: SMTPConnection, from: string, to: string[], raw: Buffer): Promise<SendResult> {
  return new Promise((res) => {
    conn.send({ from, to }, raw, (err: (Error & { responseCode?: number; code?: string }) | null, info?: { rejected?: unknown[] }) => {
      if (err) {
        const fatal = err.code === 'ECONNECTION' || err.code === 'ETIMEDOUT' || err.code === 'ESOCKET' || (err.responseCode ?? 0) === 421;
        return res({ ok: false, code: err.responseCode !== undefined ? String(err.responseCode) : (err.code ?? 'error'), fatal });
      }
      const rejected = info?.rejected?.length ?? 0;
      res(rejected > 0 ? { ok: false, code: 'partial', fatal: false } : { ok: true });
    });
  });
}

export async function runReplay(a: Args, stderr: NodeJS.WritableStream): Promise<ReplaySummary> {
  const s: ReplaySummary = { sent: 0, accepted: 0, rejected: new Map(), malformed: 0, noRecipient: 0, seconds: 0 };
  const t0 = Date.now();
  const progress = createProgress(stderr, 'replay');
  const reject = (code: string): void => void s.rejected.set(code, (s.rejected.get(code) ?? 0) + 1);
  async function* entries(): AsyncGenerator<ArchiveEntry> {
    for (const p of a.paths) yield* readArchive(p, a.format, { maxBytes: a.maxBytes });
  }
  const it = entries();
  const worker = async (): Promise<void> => {
    let conn: SMTPConnection | null = null;
    for (;;) {
      const n = await it.next();
      if (n.done === true) break;
      const e = n.value;
      if (!e.ok) {
        s.malformed++;
        continue;
      }
      const env = envelopeOf(e.bytes, { from: a.from, to: a.to });
      if (env.to.length === 0) {
        s.noRecipient++;
        continue;
      }
      s.sent++;
      try {
        conn ??= await openSession(a);
      } catch (err) {
        reject(`connect:${(err as { code?: string }).code ?? 'error'}`);
        continue;
      }
      const r = await sendOn(conn, env.from, env.to, e.bytes);
      if (r.ok) s.accepted++;
      else reject(r.code);
      if (!r.ok && r.fatal) {
        conn.close();
        conn = null;
      } else {
        const c: SMTPConnection = conn;
        await new Promise<void>((res) => c.reset(() => res()));
      }
      progress.tick({ done: s.sent, accepted: s.accepted, rejected: s.sent - s.accepted, malformed: s.malformed }, e.file);
    }
    if (conn !== null) conn.quit();
  };
  try {
    await Promise.all(Array.from({ length: a.concurrency }, worker));
  } finally {
    progress.stop();
  }
  s.seconds = (Date.now() - t0) / 1000;
  return s;
}

export function formatReplay(s: ReplaySummary): string {
  const rej = [...s.rejected].map(([k, v]) => `${k}:${v}`).join(' ');
  return `sent ${s.sent}, accepted ${s.accepted}, rejected ${s.sent - s.accepted}${rej ? ` (${rej})` : ''}, malformed ${s.malformed}, no recipient ${s.noRecipient}, ${(s.sent / Math.max(s.seconds, 0.001)).toFixed(1)} msgs/s in ${s.seconds.toFixed(1)} s\n`;
}

export const command: CommandSpec = {
  summary: 'send archived messages (.eml, mbox, Maildir) through a sink over SMTP, optionally behind PROXY v1',
  usage: USAGE,
  async run(argv, io) {
    const a = parseArgs(argv, io.cwd);
    const s = await runReplay(a, io.stderr);
    io.stdout.write(formatReplay(s));
    return s.accepted === s.sent && s.noRecipient === 0 ? 0 : 1;
  },
};

export { parseArgs as parseReplayArgs };
