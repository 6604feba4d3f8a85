// `spamtrap received`: parses Received header values from stdin, one per line, and prints one result per line.
import { parseReceived } from '@spamtrap/received';
import { UsageError, type CommandIo, type CommandSpec } from '../command.js';

const USAGE = `Usage: spamtrap received [--json] [--full]

Reads Received header values from stdin, one per line (unfolded, without the "Received:" name), and
writes one result per input line, in order. An empty line yields kind "unparsed".
  --json   one object per line: {"kind","ip","helo","rdns","by","with","auth","tls"}
  --full   with --json: the whole parsed hop (ident, id, for, date, mta, note, flags)
Without --json: one tab-separated line: kind ip helo rdns by with auth tls.
`;

/** Output batch size (64 KiB) to keep writes few on large inputs. */
const FLUSH_BYTES = 65_536;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeLine(b: Buffer): string {
  try {
    return utf8.decode(b);
  } catch {
    return b.toString('latin1');
  }
}

export const command: CommandSpec = {
  summary: 'parse Received header values from stdin (one per line) into JSON or a table',
  usage: USAGE,
  async run(argv: string[], io: CommandIo): Promise<number> {
    let json = false;
    let full = false;
    for (const a of argv) {
      if (a === '--json') json = true;
      else if (a === '--full') full = true;
      else throw new UsageError(`unknown argument "${a}"`);
    }
    let out = '';
    let pending: Buffer = Buffer.alloc(0);
    const emit = (line: Buffer): void => {
      let l = line;
      if (l.length > 0 && l[l.length - 1] === 0x0d) l = l.subarray(0, l.length - 1);
      const h = parseReceived(decodeLine(l));
      if (json) {
        out += JSON.stringify(full ? h : { kind: h.kind, ip: h.fromIp, helo: h.fromHelo, rdns: h.fromRdns, by: h.by, with: h.with, auth: h.auth, tls: h.tls }) + '\n';
      } else {
        out += [h.kind, h.fromIp, h.fromHelo, h.fromRdns, h.by, h.with, h.auth, h.tls].map((v) => (v === null ? '-' : String(v))).join('\t') + '\n';
      }
      if (out.length >= FLUSH_BYTES) {
        io.stdout.write(out);
        out = '';
      }
    };
    for await (const chunk of io.stdin) {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk);
      let data = pending.length > 0 ? Buffer.concat([pending, b]) : b;
      let nl: number;
      while ((nl = data.indexOf(0x0a)) !== -1) {
        emit(data.subarray(0, nl));
        data = data.subarray(nl + 1);
      }
      pending = Buffer.from(data);
    }
    if (pending.length > 0) emit(pending);
    if (out) io.stdout.write(out);
    return 0;
  },
};
