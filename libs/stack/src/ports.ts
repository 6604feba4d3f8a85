// Port checks: is a loopback port free, does it answer, and which process listens on it (from /proc).
import { createServer, connect } from 'node:net';
import { readdir, readFile, readlink } from 'node:fs/promises';

/** True when nothing listens on host:port (we could bind it ourselves). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** True when a TCP connection to host:port succeeds within `timeoutMs`. */
export function canConnect(port: number, timeoutMs = 1000, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ port, host });
    const done = (ok: boolean): void => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/** Socket inodes of LISTEN entries for `port` in a /proc/net/tcp or tcp6 table. */
export function listeningInodes(table: string, port: number): number[] {
  const out: number[] = [];
  for (const line of table.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    // f[1] local "ADDR:PORT" (hex), f[3] state ("0A" = LISTEN), f[9] inode.
    const local = f[1];
    if (local === undefined || f[3] !== '0A') continue;
    const hexPort = local.slice(local.lastIndexOf(':') + 1);
    if (parseInt(hexPort, 16) === port) {
      const inode = Number(f[9]);
      if (Number.isSafeInteger(inode) && inode > 0) out.push(inode);
    }
  }
  return out;
}

/** The pid listening on a TCP port, or null when it cannot be told (no /proc, other user's process). */
export async function findListenerPid(port: number): Promise<number | null> {
  const inodes = new Set<number>();
  for (const t of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for (const i of listeningInodes(await readFile(t, 'utf8'), port)) inodes.add(i);
    } catch {
      /* table absent (no IPv6) */
    }
  }
  if (inodes.size === 0) return null;
  let pids: string[];
  try {
    pids = (await readdir('/proc')).filter((d) => /^\d+$/.test(d));
  } catch {
    return null;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = await readdir(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(await readlink(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(Number(m[1]))) return Number(pid);
      } catch {
        /* fd closed meanwhile */
      }
    }
  }
  return null;
}

/** The one-line message for a busy port, naming the setting that moves it. */
export function portBusyMessage(port: number, envName: string, pid: number | null): string {
  const who = pid === null ? 'another process' : `another process (pid ${pid})`;
  return `port ${port} is in use by ${who}; stop it or set ${envName}`;
}
