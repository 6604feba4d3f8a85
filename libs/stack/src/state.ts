// The state file (<home>/state.json): which processes this stack started, so `down` stops only those.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { StackError } from './errors.js';

export const COMPONENT_NAMES = ['kafka', 'elasticsearch', 'redis'] as const;
export type ComponentName = (typeof COMPONENT_NAMES)[number];

/** One running process the stack started. `startTicks` guards against pid reuse. */
export interface ComponentRecord {
  pid: number;
  /** Process start time in clock ticks since boot (/proc/<pid>/stat field 22). */
  startTicks: number;
  /** Main client port (Kafka PLAINTEXT, ES HTTP, Redis). */
  port: number;
  /** host:port or URL clients use. */
  address: string;
  log: string;
  /** ISO time the process became ready. */
  startedAt: string;
  version: string;
}

export interface StackState {
  components: Partial<Record<ComponentName, ComponentRecord>>;
}

export function emptyState(): StackState {
  return { components: {} };
}

export function isComponentName(s: string): s is ComponentName {
  return (COMPONENT_NAMES as readonly string[]).includes(s);
}

const isPosInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
const isStr = (v: unknown): v is string => typeof v === 'string';

/** Checks one record's shape; returns a phrase naming the first bad field, or null. */
function recordProblem(r: unknown): string | null {
  if (typeof r !== 'object' || r === null) return 'not an object';
  const o = r as Record<string, unknown>;
  if (!isPosInt(o.pid)) return 'pid';
  if (typeof o.startTicks !== 'number' || !Number.isSafeInteger(o.startTicks) || o.startTicks < 0) return 'startTicks';
  if (!isPosInt(o.port) || o.port > 65535) return 'port';
  for (const k of ['address', 'log', 'startedAt', 'version'] as const) if (!isStr(o[k])) return k;
  return null;
}

/** Parses state.json text; throws StackError naming the file and the bad field. Unknown components are dropped. */
export function parseState(text: string, path: string): StackState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new StackError(`state file ${path} is not JSON: check no stack process runs (ps) and delete the file`);
  }
  const comps = (raw as { components?: unknown } | null)?.components;
  if (typeof comps !== 'object' || comps === null) throw new StackError(`state file ${path} has no "components" object: delete it`);
  const state = emptyState();
  for (const [name, rec] of Object.entries(comps)) {
    if (!isComponentName(name)) continue;
    const problem = recordProblem(rec);
    if (problem !== null) throw new StackError(`state file ${path}: ${name} record has a bad ${problem}: delete the file`);
    state.components[name] = rec as ComponentRecord;
  }
  return state;
}

export function readState(path: string): StackState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw err;
  }
  return parseState(text, path);
}

/** Writes atomically (temp file + rename) so a crash never leaves half a file. */
export function writeState(path: string, state: StackState): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n');
  renameSync(tmp, path);
}
