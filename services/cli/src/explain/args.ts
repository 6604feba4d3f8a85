// Argument parsing for `spamtrap explain`: trust entries, session facts, output mode, paths.
import { readFileSync } from 'node:fs';
import { compileTrustList, normaliseIp, TrustListError, type SessionFacts, type TrustList } from '@spamtrap/received';
import { UsageError } from '../command.js';

export interface ExplainArgs {
  json: boolean;
  trusted: TrustList;
  /** The trust entries as given (workers recompile them). */
  trustedEntries: string[];
  /** Worker threads for large runs; null = automatic. */
  jobs: number | null;
  session?: SessionFacts;
  now?: Date;
  maxSkewMs?: number;
  paths: string[];
  /** Add the enricher's verdict: true/false when asked, null = default (text yes, --json no). */
  verdict: boolean | null;
  /** Live DNS for the verdict (PTR, forward confirmation, HELO addresses). */
  dns: boolean;
  dnsServers: string[];
  trapDomains: string[];
  ourHosts: string[];
}

function need(argv: string[], i: number, flag: string): string {
  const v = argv[i + 1];
  if (v === undefined) throw new UsageError(`${flag} needs a value`);
  return v;
}

export function parseExplainArgs(argv: string[]): ExplainArgs {
  const entries: string[] = [];
  const paths: string[] = [];
  let json = false;
  let peerIp: string | null = null;
  let helo: string | null = null;
  let now: Date | undefined;
  let maxSkewMs: number | undefined;
  let jobs: number | null = null;
  let verdict: boolean | null = null;
  let dns = false;
  const dnsServers: string[] = [];
  const trapDomains: string[] = [];
  const ourHosts: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--json') json = true;
    else if (a === '--verdict') verdict = true;
    else if (a === '--no-verdict') verdict = false;
    else if (a === '--dns') dns = true;
    else if (a === '--dns-server') dnsServers.push(need(argv, i++, a));
    else if (a === '--trap-domain') trapDomains.push(need(argv, i++, a).toLowerCase());
    else if (a === '--our-host') ourHosts.push(need(argv, i++, a).toLowerCase());
    else if (a === '--trusted') entries.push(need(argv, i++, a));
    else if (a.startsWith('--trusted=')) entries.push(a.slice(10));
    else if (a === '--trusted-file') {
      const f = need(argv, i++, a);
      let text: string;
      try {
        text = readFileSync(f, 'utf8');
      } catch (err) {
        throw new UsageError(`--trusted-file ${f}: ${(err as NodeJS.ErrnoException).code ?? 'cannot read'}`);
      }
      for (const line of text.split('\n')) {
        const e = line.replace(/#.*/, '').trim();
        if (e) entries.push(e);
      }
    } else if (a === '--peer-ip') peerIp = need(argv, i++, a);
    else if (a === '--helo') helo = need(argv, i++, a);
    else if (a === '--now') {
      const v = need(argv, i++, a);
      now = new Date(v);
      if (Number.isNaN(now.getTime())) throw new UsageError(`--now "${v}" is not a date`);
    } else if (a === '--max-skew') {
      const v = Number(need(argv, i++, a));
      if (!Number.isFinite(v) || v < 0) throw new UsageError('--max-skew takes a number of seconds');
      maxSkewMs = v * 1000;
    } else if (a === '--jobs') {
      const v = Number(need(argv, i++, a));
      if (!Number.isInteger(v) || v < 1 || v > 64) throw new UsageError('--jobs takes a whole number from 1 to 64');
      jobs = v;
    } else if (a === '-') paths.push(a);
    else if (a.startsWith('-')) throw new UsageError(`unknown option "${a}"`);
    else paths.push(a);
  }
  if (paths.length === 0) throw new UsageError('name at least one PATH (file, directory or - for stdin)');
  if (helo !== null && peerIp === null) throw new UsageError('--helo needs --peer-ip (both describe the SMTP session)');
  if (peerIp !== null && normaliseIp(peerIp) === null) throw new UsageError(`--peer-ip "${peerIp}" is not an IP address`);
  let trusted: TrustList;
  try {
    trusted = compileTrustList(entries);
  } catch (err) {
    if (err instanceof TrustListError) throw new UsageError(err.lines.join('; '));
    throw err;
  }
  if ((dns || dnsServers.length > 0) && verdict === false) throw new UsageError('--dns is for the verdict; drop --no-verdict');
  if (dnsServers.length > 0) dns = true;
  return {
    json, trusted, paths, trustedEntries: entries, jobs, verdict, dns, dnsServers, trapDomains, ourHosts,
    ...(peerIp !== null ? { session: { peerIp, helo } } : {}),
    ...(now ? { now } : {}),
    ...(maxSkewMs !== undefined ? { maxSkewMs } : {}),
  };
}
