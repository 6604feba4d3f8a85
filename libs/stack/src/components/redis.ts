// The stack's own Redis (Debian's redis-server), separate from the system Redis on 6379, so tests may stop it.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StackConfig } from '../config.js';
import { spawnDetached } from '../proc.js';
import { redisReady } from '../probes.js';
import { requireTool } from '../tools.js';
import type { ComponentDef } from './types.js';

/** redis-server arguments: BullMQ needs noeviction; AOF everysec keeps jobs across stop/start. */
export function redisArgs(cfg: Pick<StackConfig, 'redisPort'>, dataDir: string): string[] {
  return [
    '--port', String(cfg.redisPort),
    '--bind', '127.0.0.1',
    '--daemonize', 'no',
    '--maxmemory-policy', 'noeviction',
    '--appendonly', 'yes',
    '--appendfsync', 'everysec',
    '--dir', dataDir,
    '--logfile', '',
  ];
}

const versions = new Map<string, string>();

/** The version the installed binary reports (`Redis server v=7.0.15 ...`), asked once per binary. */
function redisVersion(bin: string): string {
  let v = versions.get(bin);
  if (v === undefined) {
    const r = spawnSync(bin, ['-v'], { encoding: 'utf8', timeout: 10_000 });
    v = /v=(\S+)/.exec(r.stdout ?? '')?.[1] ?? 'unknown';
    versions.set(bin, v);
  }
  return v;
}

export const redis: ComponentDef = {
  name: 'redis',
  version: (cfg) => redisVersion(cfg.redisServer),
  ports: (cfg) => [{ port: cfg.redisPort, env: 'SPAMTRAP_REDIS_PORT' }],
  address: (cfg) => `redis://127.0.0.1:${cfg.redisPort}`,
  preflight({ cfg }) {
    requireTool(cfg.redisServer, 'redis-server', ' (or set SPAMTRAP_REDIS_SERVER)');
  },
  fetch: () => Promise.resolve(false),
  launch({ cfg, paths }) {
    const bin = requireTool(cfg.redisServer, 'redis-server', ' (or set SPAMTRAP_REDIS_SERVER)');
    mkdirSync(paths.redisData, { recursive: true });
    const log = join(paths.logs, 'redis.log');
    const p = spawnDetached(bin, redisArgs(cfg, paths.redisData), { logPath: log, env: { ...process.env }, cwd: paths.redisData });
    return Promise.resolve({ pid: p.pid, log, exited: p.exited });
  },
  ready: (cfg) => redisReady(cfg.redisPort),
  dataDirs: (paths) => [paths.redisData],
};
