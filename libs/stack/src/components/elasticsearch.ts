// Elasticsearch single node from the Maven Central integ-test zip, run on Java 17 as a non-root user.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackConfig } from '../config.js';
import { StackError } from '../errors.js';
import type { StackPaths } from '../paths.js';
import { sleep, spawnDetached } from '../proc.js';
import { esReady } from '../probes.js';
import { requireJava17, requireTool, runMaven, which } from '../tools.js';
import type { ComponentDef, StackContext } from './types.js';

export const ES_CLUSTER_NAME = 'spamtrap-local';

/** elasticsearch.yml: loopback, single node (bootstrap checks stay warnings), no security, no disk watermarks. */
export function esConfigYml(cfg: Pick<StackConfig, 'esPort' | 'esTransportPort'>, paths: Pick<StackPaths, 'esData' | 'esLogs'>): string {
  return [
    '# Written by `spamtrap stack` on every start; edit libs/stack/src/components/elasticsearch.ts instead.',
    `cluster.name: ${ES_CLUSTER_NAME}`,
    'node.name: es-local',
    'network.host: 127.0.0.1',
    `http.port: ${cfg.esPort}`,
    `transport.port: ${cfg.esTransportPort}`,
    'discovery.type: single-node',
    `path.data: ${paths.esData}`,
    `path.logs: ${paths.esLogs}`,
    'xpack.security.enabled: false',
    // Small dev disks would otherwise turn indices read-only.
    'cluster.routing.allocation.disk.threshold_enabled: false',
    // Tests delete their indices by pattern.
    'action.destructive_requires_name: false',
    '',
  ].join('\n');
}

const isRoot = (): boolean => process.getuid?.() === 0;

/** The first existing ancestor of `dir` that others may not traverse (no o+x), e.g. /root (0700), else null. */
export function untraversable(dir: string, stat: (p: string) => { mode: number } | null = statOrNull): string | null {
  const parts = dir.split('/').filter((p) => p !== '');
  for (let i = 1; i <= parts.length; i++) {
    const p = '/' + parts.slice(0, i).join('/');
    const st = stat(p);
    if (st === null) return null; // created by us later with mode 0755
    if ((st.mode & 0o001) === 0) return p;
  }
  return null;
}

function statOrNull(p: string): { mode: number } | null {
  try {
    return statSync(p);
  } catch {
    return null;
  }
}

function run(cmd: string, args: string[], what: string): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new StackError(`${what} failed: ${(r.stderr || r.stdout || `exit ${r.status ?? r.signal}`).trim().split('\n')[0]}`);
}

/** ES refuses to run as root: make sure the run user exists (root only). */
function ensureUser(user: string): void {
  if (spawnSync('id', ['-u', user]).status === 0) return;
  requireTool('useradd', 'passwd');
  run('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', user], `creating user ${user}`);
}

/** Unzips the cached zip into esHome (via a temp dir, so a half unzip is never taken for a full one). */
function install(paths: StackPaths, version: string): void {
  if (existsSync(join(paths.esHome, 'bin', 'elasticsearch'))) return;
  requireTool('unzip', 'unzip');
  const tmp = join(paths.esDir, '.unzip-tmp');
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  run('unzip', ['-q', '-o', paths.esZip, '-d', tmp], `unzipping ${paths.esZip}`);
  const unpacked = join(tmp, `elasticsearch-${version}`);
  if (!existsSync(join(unpacked, 'bin', 'elasticsearch'))) throw new StackError(`${paths.esZip} has no elasticsearch-${version}/bin/elasticsearch: delete it and retry`);
  run('chmod', ['-R', 'u+x', join(unpacked, 'bin')], 'chmod bin');
  renameSync(unpacked, paths.esHome);
  rmSync(tmp, { recursive: true, force: true });
}

/**
 * Waits for the node's pid file, or for the launcher to exit without one (a failed start).
 * Returning on the pid file (written early in the node's start) lets the stack record the node
 * before it is ready, so an interrupted `up` can still stop it.
 */
async function waitPidFile(path: string, launcherExit: Promise<number>, timeoutMs: number): Promise<number | { exitCode: number }> {
  let code: number | null = null;
  void launcherExit.then((c) => (code = c));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (Number.isSafeInteger(pid) && pid > 0) return pid;
    } catch {
      /* not written yet */
    }
    if (code !== null) return { exitCode: code };
    if (Date.now() > deadline) return { exitCode: -1 };
    await sleep(100);
  }
}

export const elasticsearch: ComponentDef = {
  name: 'elasticsearch',
  version: (cfg) => cfg.esVersion,
  ports: (cfg) => [
    { port: cfg.esPort, env: 'SPAMTRAP_ES_PORT' },
    { port: cfg.esTransportPort, env: 'SPAMTRAP_ES_TRANSPORT_PORT' },
  ],
  address: (cfg) => `http://127.0.0.1:${cfg.esPort}`,
  preflight({ cfg, paths }) {
    requireJava17(cfg.javaHome);
    if (!existsSync(paths.esZip)) requireTool(cfg.mvn, 'maven', ' (or set SPAMTRAP_MVN)');
    if (!existsSync(join(paths.esHome, 'bin', 'elasticsearch'))) requireTool('unzip', 'unzip');
    if (isRoot()) {
      requireTool('runuser', 'util-linux');
      const closed = untraversable(cfg.home);
      if (closed !== null) {
        throw new StackError(`SPAMTRAP_STACK_HOME=${cfg.home} is inside ${closed}, which user ${cfg.esUser} cannot enter: use a path such as /var/tmp/spamtrap`);
      }
    }
  },
  async fetch({ cfg, paths }) {
    if (existsSync(paths.esZip)) return false;
    // Download next to the cache, then rename: an interrupted download never looks complete.
    const tmp = join(paths.cache, '.es-download');
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    await runMaven(
      cfg.mvn,
      [
        'org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy',
        `-Dartifact=org.elasticsearch.distribution.integ-test-zip:elasticsearch:${cfg.esVersion}:zip`,
        `-DoutputDirectory=${tmp}`,
      ],
      { javaHome: cfg.javaHome, repoLocal: cfg.mavenRepo, what: `Elasticsearch ${cfg.esVersion}` },
    );
    const zip = join(tmp, `elasticsearch-${cfg.esVersion}.zip`);
    if (!existsSync(zip)) throw new StackError(`Maven finished but ${zip} is missing: check the version exists on Maven Central`);
    renameSync(zip, paths.esZip);
    rmSync(tmp, { recursive: true, force: true });
    return true;
  },
  async launch({ cfg, paths }: StackContext) {
    requireJava17(cfg.javaHome);
    install(paths, cfg.esVersion);
    for (const d of [paths.esData, paths.esLogs, paths.esRun]) mkdirSync(d, { recursive: true });
    writeFileSync(join(paths.esHome, 'config', 'elasticsearch.yml'), esConfigYml(cfg, paths));
    const pidFile = join(paths.esRun, 'es.pid');
    rmSync(pidFile, { force: true });
    const bin = join(paths.esHome, 'bin', 'elasticsearch');
    const esEnv = [`ES_JAVA_HOME=${cfg.javaHome}`, `ES_JAVA_OPTS=-Xms${cfg.esHeap} -Xmx${cfg.esHeap}`];
    let cmd: string;
    let args: string[];
    if (isRoot()) {
      ensureUser(cfg.esUser);
      // The CLI writes config/elasticsearch.keystore; the node writes data, logs and the pid file.
      for (const d of [paths.esHome, paths.esData, paths.esLogs, paths.esRun]) run('chown', ['-R', `${cfg.esUser}:`, d], `chown ${d}`);
      cmd = which('runuser') ?? 'runuser';
      args = ['-u', cfg.esUser, '--', 'env', ...esEnv, bin, '-d', '-p', pidFile];
    } else {
      cmd = 'env';
      args = [...esEnv, bin, '-d', '-p', pidFile];
    }
    const launcherLog = join(paths.logs, 'elasticsearch-launcher.log');
    const esLog = join(paths.esLogs, `${ES_CLUSTER_NAME}.log`);
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' };
    const p = spawnDetached(cmd, args, { logPath: launcherLog, env, cwd: paths.esDir });
    // With -d the launcher returns once the node has started (or failed); the node then runs on alone.
    const got = await waitPidFile(pidFile, p.exited, cfg.readyTimeoutS * 1000);
    if (typeof got !== 'number') {
      if (got.exitCode === -1) throw new StackError(`Elasticsearch wrote no pid file within ${cfg.readyTimeoutS}s: see ${launcherLog} and ${esLog}`);
      throw new StackError(`Elasticsearch failed to start (launcher exit ${got.exitCode}): see ${launcherLog} and ${esLog}`);
    }
    const pid = got;
    // A launcher exiting non-zero after the pid file appeared means the node failed its start.
    const failed = p.exited.then((c) => (c === 0 ? new Promise<number>(() => undefined) : c));
    return { pid, log: esLog, exited: failed };
  },
  ready: (cfg) => esReady(cfg.esPort),
  dataDirs: (paths) => [paths.esData, paths.esLogs, paths.esRun],
};
