// `spamtrap stack`: start, stop and inspect the local Kafka + Elasticsearch + Redis (no Docker needed).
import { appendFileSync } from 'node:fs';
import {
  COMPONENT_NAMES,
  clientEnv,
  down,
  isComponentName,
  reset,
  stackPaths,
  stackSchema,
  status,
  up,
  type ComponentName,
  type StackConfig,
} from '@spamtrap/stack';
import { UsageError, type CommandIo, type CommandSpec } from '../command.js';

const USAGE = `Usage: spamtrap stack <action> [component...] [options]

Runs Kafka (KRaft, single node), Elasticsearch (single node) and Redis on 127.0.0.1, fetched
from Maven Central / Debian packages into SPAMTRAP_STACK_HOME (default /var/tmp/spamtrap).

Actions:
  up [component...] [--record FILE]  start what is not running (all by default) and wait until ready;
                                    --record appends the names this call started to FILE
  down [component...]               stop what the stack started (by recorded pid), keep data
  start <component...>              same as up for the named components
  stop <component...>               same as down for the named components
  status [--json]                   component, state, pid, address, log, version (exit 1 unless all run)
  env                               print export lines (KAFKA_BROKERS, ES_NODE, REDIS_URL, KAFKA_LIBS) for this stack
  reset                             stop, then wipe data and logs (downloads stay cached)
  settings                          print the settings table (env variables, defaults, meaning)

Components: ${COMPONENT_NAMES.join(', ')}
Settings come from the environment; run \`spamtrap stack settings\` for the list.
`;

const secs = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

function parseComponents(args: string[], required: boolean): ComponentName[] {
  const out: ComponentName[] = [];
  for (const a of args) {
    if (!isComponentName(a)) throw new UsageError(`unknown component "${a}" (expected ${COMPONENT_NAMES.join(', ')})`);
    if (!out.includes(a)) out.push(a);
  }
  if (required && out.length === 0) throw new UsageError(`name at least one component (${COMPONENT_NAMES.join(', ')})`);
  return out;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

async function runUp(cfg: StackConfig, names: ComponentName[], record: string | null, io: CommandIo): Promise<number> {
  const t0 = Date.now();
  const report = (line: string): void => void io.stderr.write(`stack: ${line}\n`);
  const { results, failures } = await up(cfg, {
    components: names,
    report,
    onStarted: (name) => {
      if (record !== null) appendFileSync(record, `${name}\n`);
    },
  });
  for (const r of results) {
    const how =
      r.action === 'started'
        ? `started in ${secs(r.fetchMs + r.startMs)} (${r.downloaded ? `download ${secs(r.fetchMs)}, cold cache` : 'no download'}; start ${secs(r.startMs)})`
        : 'already running';
    io.stdout.write(`${r.name.padEnd(13)} ${how}  pid ${r.pid}  ${r.address}  ${r.version}  log ${r.log}\n`);
  }
  for (const f of failures) io.stderr.write(`stack: ${f.name}: ${f.error}\n`);
  io.stdout.write(`stack up: ${results.length} ready, ${failures.length} failed in ${secs(Date.now() - t0)} (home ${cfg.home})\n`);
  return failures.length === 0 ? 0 : 1;
}

async function runDown(cfg: StackConfig, names: ComponentName[], io: CommandIo): Promise<number> {
  for (const r of await down(cfg, { components: names })) {
    const what = r.outcome === 'not running' ? 'not running (nothing recorded or already gone)' : `${r.outcome} (pid ${r.pid})`;
    io.stdout.write(`${r.name.padEnd(13)} ${what}\n`);
  }
  return 0;
}

async function runStatus(cfg: StackConfig, json: boolean, io: CommandIo): Promise<number> {
  const rows = await status(cfg);
  if (json) io.stdout.write(JSON.stringify(rows, null, 2) + '\n');
  else {
    io.stdout.write(
      table([
        ['component', 'state', 'pid', 'address', 'log', 'version'],
        ...rows.map((r) => [r.name, r.state, r.pid === null ? '-' : String(r.pid), r.address, r.log === '' ? '-' : r.log, r.version]),
      ]),
    );
    for (const r of rows) if (r.detail !== '') io.stdout.write(`${r.name}: ${r.detail}\n`);
  }
  return rows.every((r) => r.state === 'running') ? 0 : 1;
}

async function runEnv(cfg: StackConfig, io: CommandIo): Promise<number> {
  // KAFKA_LIBS: the broker's classpath dir, for tests that run a throwaway broker of their own.
  const env = { ...clientEnv(cfg), KAFKA_LIBS: stackPaths(cfg).kafkaLibs };
  for (const [k, v] of Object.entries(env)) io.stdout.write(`export ${k}=${v}\n`);
  const notRunning = (await status(cfg)).filter((r) => r.state !== 'running').map((r) => r.name);
  if (notRunning.length > 0) io.stderr.write(`stack: warning: not running: ${notRunning.join(', ')} (run \`spamtrap stack up\`)\n`);
  return 0;
}

export const command: CommandSpec = {
  summary: 'run the local Kafka + Elasticsearch + Redis (up, down, status, env, reset, start/stop <component>)',
  usage: USAGE,
  async run(argv, io) {
    const [action, ...rest] = argv;
    if (action === 'settings') {
      io.stdout.write(stackSchema.describe() + '\n');
      return 0;
    }
    const cfg = stackSchema.load(io.env);
    let record: string | null = null;
    const recIdx = rest.indexOf('--record');
    if (recIdx >= 0) {
      const file = rest[recIdx + 1];
      if (action !== 'up' && action !== 'start') throw new UsageError('--record goes with up or start');
      if (file === undefined || file.startsWith('-')) throw new UsageError('--record needs a file name');
      record = file;
      rest.splice(recIdx, 2);
    }
    const json = rest.includes('--json');
    const args = rest.filter((a) => a !== '--json');
    if (json && action !== 'status') throw new UsageError('--json goes with status');
    const unknown = args.find((a) => a.startsWith('-'));
    if (unknown !== undefined) throw new UsageError(`unknown option ${unknown}`);
    switch (action) {
      case 'up':
        return runUp(cfg, parseComponents(args, false), record, io);
      case 'start':
        return runUp(cfg, parseComponents(args, true), record, io);
      case 'down':
        return runDown(cfg, parseComponents(args, false), io);
      case 'stop':
        return runDown(cfg, parseComponents(args, true), io);
      case 'status':
        parseComponents(args, false);
        return runStatus(cfg, json, io);
      case 'env':
        return runEnv(cfg, io);
      case 'reset': {
        if (args.length > 0) throw new UsageError('reset takes no components: it wipes the whole stack home except the cache');
        const { stopped, wiped } = await reset(cfg, (l) => void io.stderr.write(`stack: ${l}\n`));
        for (const s of stopped) if (s.outcome !== 'not running') io.stdout.write(`${s.name.padEnd(13)} ${s.outcome} (pid ${s.pid})\n`);
        io.stdout.write(`wiped ${wiped.join(', ')}; kept the download cache ${stackPaths(cfg).cache}\n`);
        return 0;
      }
      case undefined:
        throw new UsageError('missing action (up, down, start, stop, status, env, reset, settings)');
      default:
        throw new UsageError(`unknown action "${action}"`);
    }
  },
};
