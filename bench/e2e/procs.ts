// Runs the pipeline services as child processes and reads per-process CPU ticks and RSS from /proc.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Proc {
  /** `sink`, `parser-1`, `kafka`, ... */
  name: string;
  pid: number;
  child?: ChildProcess;
}

/** Starts `node --import tsx services/<service>/src/main.ts` (or `entry`) with `env`; output goes to `<logDir>/<name>.log`. */
export function startService(root: string, logDir: string, name: string, service: string, env: Record<string, string>, entry?: string): Proc {
  const log = createWriteStream(join(logDir, `${name}.log`));
  const child = spawn(process.execPath, ['--import', 'tsx', entry ?? join(root, 'services', service, 'src', 'main.ts')], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  return { name, pid: child.pid, child };
}

/** SIGTERM (the services drain and close), then SIGKILL after `ms`. */
export async function stopService(p: Proc, ms = 20_000): Promise<void> {
  const c = p.child;
  if (!c || c.exitCode !== null || c.signalCode !== null) return;
  const exited = new Promise<void>((r) => c.once('exit', () => r()));
  c.kill('SIGTERM');
  const t = setTimeout(() => c.kill('SIGKILL'), ms);
  await exited;
  clearTimeout(t);
}

/** The pid listening on a loopback TCP port (the shared stack's Kafka, ES, Redis), via `ss`. */
export function pidListening(port: number): number | null {
  const r = spawnSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' });
  const m = /pid=(\d+)/.exec(r.stdout ?? '');
  return m ? Number(m[1]) : null;
}

export interface ProcSample {
  /** utime + stime of all threads, in clock ticks. */
  ticks: number;
  rssBytes: number;
}

const PAGE = 4096;

export function sample(pid: number): ProcSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the `(comm)`, which may contain spaces: state is field 3, utime 14, stime 15, rss 24.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ticks: Number(f[11]) + Number(f[12]), rssBytes: Number(f[21]) * PAGE };
  } catch {
    return null;
  }
}

/** Clock ticks per second (USER_HZ), 100 on Linux unless `getconf` says otherwise. */
export const CLK_TCK = ((): number => {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const n = Number((r.stdout ?? '').trim());
  return Number.isFinite(n) && n > 0 ? n : 100;
})();

/** Whole-machine busy and total jiffies from /proc/stat (all CPUs), for machine-wide utilisation. */
export function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: total - idle, total };
}

export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}
