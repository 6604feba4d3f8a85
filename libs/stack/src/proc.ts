// Process handling by recorded pid only: identity via /proc start time, detached spawn, bounded stop.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, renameSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Start time (clock ticks since boot) and state letter from a /proc/<pid>/stat line. The command
 * name (field 2) may hold spaces and parentheses, so fields are counted after the LAST ')'.
 */
export function parseProcStat(text: string): { state: string; startTicks: number } | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const rest = text.slice(close + 2).trim().split(/\s+/);
  // rest[0] is field 3 (state); field 22 (starttime) is rest[19].
  const state = rest[0];
  const ticks = Number(rest[19]);
  if (state === undefined || !Number.isSafeInteger(ticks)) return null;
  return { state, startTicks: ticks };
}

export async function procStat(pid: number): Promise<{ state: string; startTicks: number } | null> {
  try {
    return parseProcStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * True when `pid` exists and (when given) started at `startTicks` (not a reused pid). A 'Z' leader
 * still counts while other threads run: a JVM's main thread exits first, then its shutdown hooks
 * keep working for seconds; only a leader with no other task left is really gone.
 */
export async function isAlive(pid: number, startTicks?: number): Promise<boolean> {
  const st = await procStat(pid);
  if (st === null || st.state === 'X') return false;
  if (startTicks !== undefined && st.startTicks !== startTicks) return false;
  if (st.state !== 'Z') return true;
  try {
    return (await readdir(`/proc/${pid}/task`)).length > 1;
  } catch {
    return false;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Moves an old log aside (one generation kept) and opens a fresh one for a child's stdout/stderr. */
export function openFreshLog(path: string): number {
  mkdirSync(dirname(path), { recursive: true });
  if (existsSync(path)) renameSync(path, `${path}.1`);
  return openSync(path, 'a');
}

export interface SpawnedProcess {
  pid: number;
  /** Resolves with the exit code (or 128+signal) if the process exits while we still watch it. */
  exited: Promise<number>;
}

/**
 * Starts a process in its own process group with stdout/stderr appended to `logPath`, and unrefs
 * it so the caller can exit while it keeps running.
 */
export function spawnDetached(cmd: string, args: string[], opts: { logPath: string; env: NodeJS.ProcessEnv; cwd: string }): SpawnedProcess {
  const fd = openFreshLog(opts.logPath);
  try {
    const child = spawn(cmd, args, { detached: true, stdio: ['ignore', fd, fd], env: opts.env, cwd: opts.cwd });
    const exited = new Promise<number>((resolve) => {
      child.once('error', () => resolve(127));
      child.once('exit', (code, signal) => resolve(code ?? 128 + (signal === null ? 0 : 15)));
    });
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${cmd}`);
    return { pid: child.pid, exited };
  } finally {
    closeSync(fd);
  }
}

/**
 * Stops one recorded process: SIGTERM, wait up to `timeoutMs`, then SIGKILL and wait for it to go.
 * Never signals a pid whose start time no longer matches (the pid was reused by something else).
 */
export async function stopPid(pid: number, startTicks: number, timeoutMs: number): Promise<'stopped' | 'killed' | 'not running'> {
  if (!(await isAlive(pid, startTicks))) return 'not running';
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return 'not running';
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await isAlive(pid, startTicks))) return 'stopped';
    await sleep(100);
  }
  if (await isAlive(pid, startTicks)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* exited between the check and the signal */
    }
    // SIGKILL cannot be ignored; the kernel needs a moment to tear the process down.
    for (let i = 0; i < 100 && (await isAlive(pid, startTicks)); i++) await sleep(100);
  }
  return 'killed';
}
