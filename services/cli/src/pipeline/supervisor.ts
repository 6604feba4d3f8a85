// Starts, watches and stops the pipeline services as detached processes, recorded by pid like the stack.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlive, procStat, spawnDetached, stopPid } from '@spamtrap/stack';

/** The repository root, where `services/<name>/src/main.ts` live. */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../../../..', import.meta.url)));

export const SERVICE_NAMES = ['smtp-sink', 'parser', 'enricher', 'nominator'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface ProcessRecord {
  /** `parser-1`, `parser-2`, ... */
  id: string;
  service: ServiceName | 'demo-dns';
  pid: number;
  startTicks: number;
  log: string;
  startedAt: string;
}

export interface PipelineState {
  processes: ProcessRecord[];
}

export interface ProcessSpec {
  id: string;
  service: ProcessRecord['service'];
  /** Script run with `node --import tsx`. */
  entry: string;
  env: Record<string, string>;
}

export class Supervisor {
  private readonly statePath: string;
  readonly logDir: string;

  constructor(readonly home: string) {
    this.statePath = join(home, 'pipeline.json');
    this.logDir = join(home, 'logs', 'pipeline');
  }

  read(): PipelineState {
    if (!existsSync(this.statePath)) return { processes: [] };
    try {
      const parsed = JSON.parse(readFileSync(this.statePath, 'utf8')) as PipelineState;
      return Array.isArray(parsed.processes) ? parsed : { processes: [] };
    } catch {
      return { processes: [] };
    }
  }

  private write(state: PipelineState): void {
    mkdirSync(this.home, { recursive: true });
    writeFileSync(this.statePath, JSON.stringify(state, null, 2) + '\n');
  }

  /** Starts a process unless one with the same id is already alive; returns its record. */
  async start(spec: ProcessSpec): Promise<{ record: ProcessRecord; already: boolean }> {
    const state = this.read();
    const existing = state.processes.find((p) => p.id === spec.id);
    if (existing && (await isAlive(existing.pid, existing.startTicks))) return { record: existing, already: true };
    const log = join(this.logDir, `${spec.id}.log`);
    const child = spawnDetached(process.execPath, ['--import', 'tsx', spec.entry], {
      logPath: log,
      env: { ...process.env, ...spec.env },
      cwd: REPO_ROOT,
    });
    const st = await procStat(child.pid);
    const record: ProcessRecord = {
      id: spec.id,
      service: spec.service,
      pid: child.pid,
      startTicks: st?.startTicks ?? 0,
      log,
      startedAt: new Date().toISOString(),
    };
    this.write({ processes: [...state.processes.filter((p) => p.id !== spec.id), record] });
    return { record, already: false };
  }

  /** Stops recorded processes (all, or those whose id or service matches), by pid only. */
  async stop(match?: string, timeoutMs = 30_000): Promise<{ id: string; result: string }[]> {
    const state = this.read();
    const out: { id: string; result: string }[] = [];
    const keep: ProcessRecord[] = [];
    // Stop the sink first so nothing new enters, then the stages in flow order.
    const order = (p: ProcessRecord): number => ['smtp-sink', 'parser', 'enricher', 'nominator', 'demo-dns'].indexOf(p.service);
    for (const p of [...state.processes].sort((a, b) => order(a) - order(b))) {
      if (match !== undefined && p.id !== match && p.service !== match) {
        keep.push(p);
        continue;
      }
      out.push({ id: p.id, result: await stopPid(p.pid, p.startTicks, timeoutMs) });
    }
    this.write({ processes: keep });
    return out;
  }

  /** SIGKILLs one recorded process (fault tests); the record stays so `start` can revive it. */
  async kill(id: string): Promise<boolean> {
    const p = this.read().processes.find((x) => x.id === id);
    if (!p || !(await isAlive(p.pid, p.startTicks))) return false;
    process.kill(p.pid, 'SIGKILL');
    for (let i = 0; i < 100 && (await isAlive(p.pid, p.startTicks)); i++) await new Promise((r) => setTimeout(r, 50));
    return true;
  }

  async status(): Promise<(ProcessRecord & { alive: boolean })[]> {
    const rows = [];
    for (const p of this.read().processes) rows.push({ ...p, alive: await isAlive(p.pid, p.startTicks) });
    return rows;
  }
}
