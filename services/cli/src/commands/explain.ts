// `spamtrap explain`: shows how the Received chain of each message was read, where the trust boundary is and who relayed it.
import { UsageError, type CommandIo, type CommandSpec } from '../command.js';
import { explainOne, type ExplainOptions } from '../explain/analyse.js';
import { parseExplainArgs, type ExplainArgs } from '../explain/args.js';
import { expandPaths, loadFile, loadStdin, mayBeLarge } from '../explain/load.js';
import { CHUNK_FILES, defaultJobs, MAX_JOBS, maxUsefulJobs, PARALLEL_MIN_FILES, startPool, workerBundle, type Pool } from '../explain/pool.js';
import { toJsonLine, toText } from '../explain/render.js';
import { explainChunk, type ChunkRequest } from '../explain/worker.js';
import type { VerdictEngine } from '../explain/verdict.js';

const USAGE = `Usage: spamtrap explain [--json] [--trusted PATTERN_OR_CIDR]... [--trusted-file FILE]
                       [--peer-ip IP [--helo NAME]] [--now ISO_DATE] [--max-skew SECONDS]
                       [--jobs N] [--verdict | --no-verdict] [--dns] [--dns-server IP[:PORT]]...
                       [--trap-domain DOMAIN]... [--our-host NAME]... PATH...

Reads each message's Received headers, finds the trust boundary and the relaying hop, and lists the
reasons (inconsistencies and observations). PATH is an .eml file, a directory (every file below it,
sorted) or - for stdin. Unreadable or non-message inputs give a line with an error and the run goes on.

  --trusted X      a host pattern (mx.example.net, *.mx.example.net) or CIDR network (192.0.2.0/24,
                   2001:db8::/32) naming our own receivers; repeatable
  --trusted-file F one trust entry per line (# comments allowed)
  --peer-ip IP     the SMTP session's peer (live sink mail): it is the relaying hop, headers are claims
  --helo NAME      the HELO/EHLO name given in that session
  --now ISO_DATE   reference time for DATE_IN_FUTURE (default: no future check)
  --max-skew S     allowed clock skew between hops in seconds (default 1800)
  --jobs N         worker threads for runs of 2,000+ files (default: one per core, at most 4;
                   --jobs 1 for none; never more than 8); output order stays the input order
  --json           one JSON object per message:
                   {"file","relay":{"ip","helo","rdns","by","index"}|null,"hops":[...],"reasons":[...],...}
  --verdict        add the pipeline's verdict (the parser's and enricher's own code): class, confidence,
                   nomination or why not, reasons; on by default in text output, off by default with
                   --json (then it adds a "verdict" member); --no-verdict turns it off
  --dns            look up PTR, forward confirmation and the HELO's addresses for the verdict (off:
                   DNS_SKIPPED); --dns-server IP[:PORT] asks that resolver (default ENRICHER_DNS_SERVERS
                   or the system's)
  --trap-domain D, --our-host N
                   our trap domains and MX names (a HELO naming them is forged), on top of
                   ENRICHER_TRAP_DOMAINS / ENRICHER_OUR_HOSTS
Reason codes are documented in docs/received.md and docs/verdicts.md. Without --peer-ip the
message is treated as imported (no session facts); its Return-Path stands in for MAIL FROM.
`;

/** Output is written in batches of this many bytes (64 KiB) to keep syscalls few on big directories. */
const FLUSH_BYTES = 65_536;

export const command: CommandSpec = {
  summary: 'explain the Received chain, trust boundary and relaying hop of messages',
  usage: USAGE,
  async run(argv: string[], io: CommandIo): Promise<number> {
    const args = parseExplainArgs(argv);
    const withVerdict = args.verdict ?? !args.json;
    const wantJobs = withVerdict ? 1 : Math.min(args.jobs ?? defaultJobs(), maxUsefulJobs() > 1 ? MAX_JOBS : 1);
    // Large runs start their workers as soon as the listing passes PARALLEL_MIN_FILES and hand them chunks while
    // the listing goes on; a small run never starts a thread.
    const bundle = wantJobs > 1 && !args.paths.includes('-') && mayBeLarge(args.paths) ? await workerBundle() : undefined;
    const files: string[] = [];
    const chunks = new ChunkMaker(args, files);
    let pool: Pool | null = null;
    expandPaths(args.paths, files, bundle === undefined ? undefined : () => {
      if (pool === null && files.length >= PARALLEL_MIN_FILES) pool = startPool(wantJobs, bundle);
      if (pool !== null) chunks.submitFull(pool);
    });
    try {
      return await explainAll(args, io, files, pool, chunks);
    } finally {
      // Failed before finish(): the workers must not keep the process alive (finish() has closed them otherwise).
      await (pool as Pool | null)?.close();
    }
  },
};

/** Explains and writes `files`; `pool` is null or workers already booting. */
/** Cuts the growing file list into chunk requests of CHUNK_FILES files, ids in order. */
class ChunkMaker {
  private cut = 0;
  private nextId = 0;
  constructor(
    private readonly args: ExplainArgs,
    private readonly files: string[],
  ) {}

  private make(to: number): ChunkRequest {
    const a = this.args;
    const req: ChunkRequest = {
      id: this.nextId++, files: this.files.slice(this.cut, to), json: a.json, trusted: a.trustedEntries,
      ...(a.session ? { session: { peerIp: a.session.peerIp, helo: a.session.helo } } : {}),
      ...(a.now ? { now: a.now.toISOString() } : {}),
      ...(a.maxSkewMs !== undefined ? { maxSkewMs: a.maxSkewMs } : {}),
    };
    this.cut = to;
    return req;
  }

  /** Submits every complete chunk not yet submitted. */
  submitFull(pool: Pool): void {
    while (this.files.length - this.cut >= CHUNK_FILES) pool.submit(this.make(this.cut + CHUNK_FILES));
  }

  /** Submits the rest, the last chunk possibly short. */
  submitRest(pool: Pool): void {
    this.submitFull(pool);
    if (this.cut < this.files.length) pool.submit(this.make(this.files.length));
  }

  /** All chunks at once (no pool was started while listing). */
  all(): ChunkRequest[] {
    const out: ChunkRequest[] = [];
    while (this.cut < this.files.length) out.push(this.make(Math.min(this.files.length, this.cut + CHUNK_FILES)));
    return out;
  }
}

async function explainAll(args: ExplainArgs, io: CommandIo, files: string[], pool: Pool | null, maker: ChunkMaker): Promise<number> {
  const withVerdict = args.verdict ?? !args.json;
  if (files.filter((f) => f === '-').length > 1) throw new UsageError('"-" (stdin) may be given once');
  const opts: ExplainOptions = {
    trusted: args.trusted,
    ...(args.session ? { session: args.session } : {}),
    ...(args.now ? { now: args.now } : {}),
    ...(args.maxSkewMs !== undefined ? { maxSkewMs: args.maxSkewMs } : {}),
  };
  // The verdict engine pulls in the parser and enricher (mailparser, tldts, ...): loaded only when asked for,
  // which halves the start-up of a plain `explain --json`.
  const verdictMod = withVerdict ? await import('../explain/verdict.js') : null;
  const engine: VerdictEngine | null = verdictMod
    ? verdictMod.createVerdictEngine({
        dns: args.dns, dnsServers: args.dnsServers, trustedEntries: args.trustedEntries, trapDomains: args.trapDomains, ourHosts: args.ourHosts, env: io.env,
        ...(args.session ? { session: args.session } : {}),
      })
    : null;
  let failed = 0;
  let buf = '';
  const write = (text: string): void => {
    buf += text;
    if (buf.length >= FLUSH_BYTES) {
      io.stdout.write(buf);
      buf = '';
    }
  };
  // A pool exists only for walk-only runs without stdin that listed PARALLEL_MIN_FILES files or more.
  if (pool !== null) {
    // Large runs: chunks on worker threads (most already submitted while listing), written in input order.
    maker.submitRest(pool);
    await pool.finish((r) => {
      failed += r.failed;
      io.stdout.write(r.bytes);
    });
  } else if (engine === null && !files.includes('-')) {
    // One thread, walk only: the same chunk code the workers run (lines encoded straight into one buffer per chunk).
    for (const chunk of maker.all()) {
      const r = explainChunk(chunk, opts);
      failed += r.failed;
      io.stdout.write(r.bytes);
    }
  } else {
    for (const f of files) {
      // Borrowed bytes only without a verdict: the verdict engine awaits DNS while holding the message.
      const loaded = f === '-' ? await loadStdin(io.stdin) : loadFile(f, engine === null);
      const e = explainOne(loaded, opts);
      if (e.error) failed++;
      const v = engine !== null && e.walk !== null && loaded.error === undefined ? await engine.verdict(e.file, loaded.raw) : null;
      if (args.json) {
        const line = toJsonLine(e);
        write((v === null || verdictMod === null ? line : `${line.slice(0, -1)},"verdict":${verdictMod.verdictJson(v)}}`) + '\n');
      } else write(toText(e, v === null || verdictMod === null ? [] : [verdictMod.verdictSection(v)]) + '\n');
    }
  }
  if (buf) io.stdout.write(buf);
  if (failed > 0) io.stderr.write(`explain: ${failed} of ${files.length} inputs could not be analysed (see their error lines)\n`);
  return 0;
}
