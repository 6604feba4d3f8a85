// What each managed component (Kafka, Elasticsearch, Redis) provides to the stack orchestrator.
import type { StackConfig } from '../config.js';
import type { StackPaths } from '../paths.js';
import type { ComponentName } from '../state.js';

export interface StackContext {
  cfg: StackConfig;
  paths: StackPaths;
  /** Progress lines (stderr in the CLI). */
  report: (line: string) => void;
}

export interface PortSpec {
  port: number;
  /** The setting that moves this port, named in "port busy" errors. */
  env: string;
}

export interface Launched {
  pid: number;
  log: string;
  /** Resolves if the launched process exits while we wait for readiness (null: not our child). */
  exited: Promise<number> | null;
}

export interface ComponentDef {
  name: ComponentName;
  version(cfg: StackConfig): string;
  /** Ports it binds; the first is the client port. */
  ports(cfg: StackConfig): PortSpec[];
  /** What clients connect to (host:port or URL). */
  address(cfg: StackConfig): string;
  /** Throws StackError when a needed tool is missing. */
  preflight(ctx: StackContext): void;
  /** Downloads into the cache when needed; resolves true when it downloaded, false when cached. */
  fetch(ctx: StackContext): Promise<boolean>;
  /** Writes config and starts the process detached. */
  launch(ctx: StackContext): Promise<Launched>;
  ready(cfg: StackConfig): Promise<boolean>;
  /** Directories wiped by `reset` (never the download cache). */
  dataDirs(paths: StackPaths): string[];
}
