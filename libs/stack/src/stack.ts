// The stack operations: up, down, start/stop one component, status, reset, and the client env for tests.
import { rmSync } from 'node:fs';
import { elasticsearch } from './components/elasticsearch.js';
import { kafka } from './components/kafka.js';
import { redis } from './components/redis.js';
import type { ComponentDef, StackContext } from './components/types.js';
import type { StackConfig } from './config.js';
import { StackError } from './errors.js';
import { acquireLock } from './lock.js';
import { stackPaths } from './paths.js';
import { findListenerPid, isPortFree, portBusyMessage } from './ports.js';
import { isAlive, procStat, sleep, stopPid } from './proc.js';
import { COMPONENT_NAMES, readState, writeState, type ComponentName, type ComponentRecord, type StackState } from './state.js';

export type Registry = Record<ComponentName, ComponentDef>;
export const COMPONENTS: Registry = { kafka, elasticsearch, redis };

/** How often readiness is probed while a component starts. */
const PROBE_INTERVAL_MS = 200;

export type Reporter = (line: string) => void;

export interface UpResult {
  name: ComponentName;
  action: 'started' | 'already running';
  pid: number;
  address: string;
  log: string;
  version: string;
  /** Milliseconds spent downloading (0 when cached). */
  fetchMs: number;
  downloaded: boolean;
  /** Milliseconds from launch to ready. */
  startMs: number;
}

export interface Failure {
  name: ComponentName;
  error: string;
}

/** Serialises stack operations inside one process; the lock file serialises across processes. */
let chain: Promise<unknown> = Promise.resolve();
async function exclusive<T>(cfg: StackConfig, report: Reporter, fn: (state: StackState, save: () => void) => Promise<T>): Promise<T> {
  const run = async (): Promise<T> => {
    const paths = stackPaths(cfg);
    const release = await acquireLock(paths.lock, (pid) => report(`waiting for another stack command (pid ${pid}) to finish`));
    try {
      const state = readState(paths.state);
      return await fn(state, () => writeState(paths.state, state));
    } finally {
      release();
    }
  };
  const next = chain.then(run, run);
  chain = next.catch(() => undefined);
  return next;
}

function pick(registry: Registry, names: readonly ComponentName[] | undefined): ComponentDef[] {
  return (names === undefined || names.length === 0 ? COMPONENT_NAMES : names).map((n) => registry[n]);
}

/** Polls `def.ready` until it answers, the process dies, or the bound passes. */
async function waitReady(def: ComponentDef, cfg: StackConfig, pid: number, exited: Promise<number> | null, log: string): Promise<void> {
  const deadline = Date.now() + cfg.readyTimeoutS * 1000;
  const exit: { code: number | null } = { code: null };
  void exited?.then((c) => (exit.code = c));
  for (;;) {
    if (await def.ready(cfg)) return;
    if (exit.code !== null || !(await isAlive(pid))) {
      throw new StackError(`${def.name} exited during startup${exit.code === null ? '' : ` (exit ${exit.code})`}: see ${log}`);
    }
    if (Date.now() > deadline) throw new StackError(`${def.name} not ready on ${def.address(cfg)} after ${cfg.readyTimeoutS}s (SPAMTRAP_STACK_READY_TIMEOUT_S): see ${log}`);
    await sleep(PROBE_INTERVAL_MS);
  }
}

/** Throws the "port busy" line for the first of `def`'s ports something else listens on. */
async function checkPorts(def: ComponentDef, cfg: StackConfig): Promise<void> {
  for (const { port, env } of def.ports(cfg)) {
    if (!(await isPortFree(port))) throw new StackError(portBusyMessage(port, env, await findListenerPid(port)));
  }
}

async function upOne(
  def: ComponentDef,
  ctx: StackContext,
  state: StackState,
  save: () => void,
  fetchLock: { chain: Promise<unknown> },
  onStarted: (name: ComponentName) => void,
): Promise<UpResult> {
  const { cfg } = ctx;
  const base = { name: def.name, address: def.address(cfg), version: def.version(cfg), fetchMs: 0, downloaded: false, startMs: 0 };
  const rec = state.components[def.name];
  if (rec !== undefined) {
    if (await isAlive(rec.pid, rec.startTicks)) {
      // Possibly still starting from an interrupted `up`: give it the usual bound.
      await waitReady(def, cfg, rec.pid, null, rec.log);
      return { ...base, action: 'already running', pid: rec.pid, log: rec.log, version: rec.version, address: rec.address };
    }
    delete state.components[def.name];
    save();
  }
  def.preflight(ctx);
  await checkPorts(def, cfg);
  // Maven's local repository is not safe for concurrent writers: one download at a time.
  let fetchMs = 0;
  const fetched = fetchLock.chain.then(async () => {
    const t0 = Date.now();
    const did = await def.fetch(ctx);
    fetchMs = did ? Date.now() - t0 : 0;
    return did;
  });
  fetchLock.chain = fetched.catch(() => undefined);
  const downloaded = await fetched;
  if (downloaded) ctx.report(`${def.name}: downloaded ${def.name} ${def.version(cfg)} in ${(fetchMs / 1000).toFixed(1)}s`);
  await checkPorts(def, cfg); // again: something may have taken the port while we downloaded
  const t1 = Date.now();
  const launched = await def.launch(ctx);
  // Record at once, not when ready: if this command is interrupted while the component starts,
  // `down` (and the caller's cleanup via onStarted) can still stop it by pid.
  const st = await procStat(launched.pid);
  if (st !== null) {
    const record: ComponentRecord = {
      pid: launched.pid,
      startTicks: st.startTicks,
      port: def.ports(cfg)[0]!.port,
      address: base.address,
      log: launched.log,
      startedAt: new Date().toISOString(),
      version: base.version,
    };
    state.components[def.name] = record;
    save();
    onStarted(def.name);
  }
  try {
    await waitReady(def, cfg, launched.pid, launched.exited, launched.log);
  } catch (err) {
    if (st !== null) await stopPid(launched.pid, st.startTicks, cfg.stopTimeoutS * 1000);
    delete state.components[def.name];
    save();
    throw err;
  }
  return { ...base, action: 'started', pid: launched.pid, log: launched.log, fetchMs, downloaded, startMs: Date.now() - t1 };
}

export interface UpOptions {
  components?: readonly ComponentName[];
  report?: Reporter;
  /** Called as soon as a component this call launched is recorded, before it is ready (so a caller can stop exactly those). */
  onStarted?: (name: ComponentName) => void;
  /** Component implementations (tests pass fakes). */
  registry?: Registry;
}

/** Starts the components not yet running, concurrently; resolves with what happened to each (never throws per component). */
export function up(cfg: StackConfig, opts: UpOptions = {}): Promise<{ results: UpResult[]; failures: Failure[] }> {
  const report = opts.report ?? (() => undefined);
  return exclusive(cfg, report, async (state, save) => {
    const ctx: StackContext = { cfg, paths: stackPaths(cfg), report };
    const fetchLock = { chain: Promise.resolve() as Promise<unknown> };
    const defs = pick(opts.registry ?? COMPONENTS, opts.components);
    const settled = await Promise.allSettled(defs.map((d) => upOne(d, ctx, state, save, fetchLock, opts.onStarted ?? (() => undefined))));
    const results: UpResult[] = [];
    const failures: Failure[] = [];
    settled.forEach((s, i) => {
      const name = defs[i]!.name;
      if (s.status === 'fulfilled') results.push(s.value);
      else failures.push({ name, error: s.reason instanceof StackError ? s.reason.message : String(s.reason) });
    });
    return { results, failures };
  });
}

export interface DownResult {
  name: ComponentName;
  outcome: 'stopped' | 'killed' | 'not running';
  pid: number | null;
}

/** Stops the recorded components (by recorded pid only) and forgets them. */
export function down(cfg: StackConfig, opts: { components?: readonly ComponentName[]; report?: Reporter; registry?: Registry } = {}): Promise<DownResult[]> {
  return exclusive(cfg, opts.report ?? (() => undefined), async (state, save) => {
    const defs = pick(opts.registry ?? COMPONENTS, opts.components);
    return Promise.all(
      defs.map(async (def): Promise<DownResult> => {
        const rec = state.components[def.name];
        if (rec === undefined) return { name: def.name, outcome: 'not running', pid: null };
        const outcome = await stopPid(rec.pid, rec.startTicks, cfg.stopTimeoutS * 1000);
        delete state.components[def.name];
        save();
        return { name: def.name, outcome, pid: rec.pid };
      }),
    );
  });
}

/** Starts one component (fault tests bring a stopped one back); throws its failure. */
export async function startComponent(cfg: StackConfig, name: ComponentName, report?: Reporter): Promise<UpResult> {
  const { results, failures } = await up(cfg, { components: [name], ...(report ? { report } : {}) });
  if (failures[0]) throw new StackError(failures[0].error);
  return results[0]!;
}

/** Stops one component the stack started (fault tests take Kafka, ES or Redis away for a while). */
export async function stopComponent(cfg: StackConfig, name: ComponentName): Promise<DownResult> {
  return (await down(cfg, { components: [name] }))[0]!;
}

/**
 * The record of a component this stack started and that is still alive, else null. Fault tests
 * check this first: a component the stack did not start (say a shared dev stack) is not theirs to stop.
 */
export async function managedComponent(cfg: StackConfig, name: ComponentName): Promise<ComponentRecord | null> {
  const rec = readState(stackPaths(cfg).state).components[name];
  return rec !== undefined && (await isAlive(rec.pid, rec.startTicks)) ? rec : null;
}

export type ComponentState = 'running' | 'not ready' | 'stopped' | 'port busy';

export interface StatusRow {
  name: ComponentName;
  state: ComponentState;
  pid: number | null;
  address: string;
  log: string;
  version: string;
  /** For 'port busy': who holds the port, as a one-line explanation. */
  detail: string;
}

/** Read-only view: a recorded pid alive and answering is running; an unrecorded busy port is someone else's. */
export async function status(cfg: StackConfig, registry: Registry = COMPONENTS): Promise<StatusRow[]> {
  const paths = stackPaths(cfg);
  const state = readState(paths.state);
  return Promise.all(
    COMPONENT_NAMES.map(async (name): Promise<StatusRow> => {
      const def = registry[name];
      const rec = state.components[name];
      const row = { name, address: def.address(cfg), log: '', version: def.version(cfg), pid: null, detail: '' };
      if (rec !== undefined && (await isAlive(rec.pid, rec.startTicks))) {
        const ok = await def.ready(cfg);
        return { ...row, state: ok ? 'running' : 'not ready', pid: rec.pid, log: rec.log, version: rec.version, address: rec.address };
      }
      for (const { port, env } of def.ports(cfg)) {
        if (!(await isPortFree(port))) return { ...row, state: 'port busy', detail: portBusyMessage(port, env, await findListenerPid(port)) };
      }
      return { ...row, state: 'stopped' };
    }),
  );
}

/** Stops what the stack started and wipes data and logs; the download cache stays. */
export async function reset(cfg: StackConfig, report: Reporter = () => undefined, registry: Registry = COMPONENTS): Promise<{ stopped: DownResult[]; wiped: string[] }> {
  const stopped = await down(cfg, { report, registry });
  return exclusive(cfg, report, async () => {
    const paths = stackPaths(cfg);
    // A process still bound to our ports may be one of ours whose record was lost: never wipe under it.
    for (const def of Object.values(registry)) {
      for (const { port, env } of def.ports(cfg)) {
        if (!(await isPortFree(port))) {
          const pid = await findListenerPid(port);
          throw new StackError(`not wiping ${paths.home}: ${portBusyMessage(port, env, pid)} (if it is a stack process whose state was lost, stop it by its pid first)`);
        }
      }
    }
    const wiped = [...new Set([...Object.values(registry).flatMap((d) => d.dataDirs(paths)), paths.logs])];
    for (const d of wiped) rmSync(d, { recursive: true, force: true });
    return { stopped, wiped };
  });
}

/** The variables integration tests read, pointing at this stack's ports. */
export function clientEnv(cfg: StackConfig): { KAFKA_BROKERS: string; ES_NODE: string; REDIS_URL: string } {
  return { KAFKA_BROKERS: kafka.address(cfg), ES_NODE: elasticsearch.address(cfg), REDIS_URL: redis.address(cfg) };
}
