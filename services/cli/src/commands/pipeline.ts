// `spamtrap pipeline`: run the four services (and the demo DNS zone) as background processes on the local stack.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { DEFAULT_TOPICS } from '@spamtrap/contracts';
import { createKafka, kafkaConfigSchema, pipelineTopicSpecs } from '@spamtrap/kafka';
import { clientEnv, stackSchema } from '@spamtrap/stack';
import { UsageError, type CommandIo, type CommandSpec } from '../command.js';
import { DEMO_DNS_PORT, serviceEnv, type PipelineProfile } from '../pipeline/profile.js';
import { REPO_ROOT, Supervisor, type ProcessSpec, type ServiceName } from '../pipeline/supervisor.js';

const USAGE = `Usage: spamtrap pipeline <action> [options]

Runs smtp-sink, parser, enricher and nominator as background processes against the local stack
(\`spamtrap stack up\` first). Logs and pids live under SPAMTRAP_STACK_HOME (logs/pipeline/).

Actions:
  up [--instances N] [--demo]   create the topics, then start what is not running: one sink and
                                N (default 1) copies of each stage in one consumer group.
                                --demo: sample trap domain ${'trap.spamtrap.test'}, PROXY headers trusted from
                                127.0.0.1, and a demo DNS zone for the sample peers
  down [SERVICE|ID]             stop (SIGTERM, drain) all processes, or one service / process id
  status                        process id, pid, alive, log
  kill ID                       SIGKILL one process (fault injection); \`start ID\` revives it
  start ID                      start one recorded process again (e.g. after kill)
  logs ID                       print the last lines of a process log

Settings: SPAMTRAP_TRAP_DOMAINS (required outside --demo) and every service's own variables
(see docs/configuration.md); anything set in the environment wins.
`;

interface UpOptions {
  instances: number;
  demo: boolean;
}

function parseUp(args: string[]): UpOptions {
  const o: UpOptions = { instances: 1, demo: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--demo') o.demo = true;
    else if (a === '--instances') {
      const n = Number(args[++i]);
      if (!Number.isInteger(n) || n < 1 || n > 8) throw new UsageError('--instances takes a number from 1 to 8');
      o.instances = n;
    } else throw new UsageError(`unknown option "${a}"`);
  }
  return o;
}

function specsFor(o: UpOptions, profile: PipelineProfile): ProcessSpec[] {
  const entry = (s: ServiceName): string => join(REPO_ROOT, 'services', s, 'src', 'main.ts');
  const specs: ProcessSpec[] = [];
  if (o.demo) {
    specs.push({ id: 'demo-dns', service: 'demo-dns', entry: join(REPO_ROOT, 'services/cli/src/samples/demo-dns-main.ts'), env: serviceEnv('demo-dns', profile) });
  }
  // Downstream first, so consumers are in their groups before the sink accepts mail.
  for (const s of ['nominator', 'enricher', 'parser'] as const) {
    for (let i = 1; i <= o.instances; i++) specs.push({ id: `${s}-${i}`, service: s, entry: entry(s), env: serviceEnv(s, profile) });
  }
  specs.push({ id: 'smtp-sink-1', service: 'smtp-sink', entry: entry('smtp-sink'), env: serviceEnv('smtp-sink', profile) });
  return specs;
}

async function ensureTopics(env: Record<string, string>): Promise<void> {
  const kafka = createKafka(kafkaConfigSchema.load(env));
  const admin = kafka.createAdmin();
  try {
    await admin.ensureTopics(pipelineTopicSpecs({ ...DEFAULT_TOPICS }));
  } finally {
    await admin.close();
  }
}

async function waitAlive(sup: Supervisor, id: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const row = (await sup.status()).find((r) => r.id === id);
    if (!row?.alive) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
  return true;
}

function tail(path: string, lines = 15): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function up(args: string[], io: CommandIo, sup: Supervisor, profile: PipelineProfile): Promise<number> {
  const o = parseUp(args);
  profile.demo = o.demo;
  if (!o.demo && profile.userEnv['SPAMTRAP_TRAP_DOMAINS'] === undefined && profile.userEnv['SINK_TRAP_DOMAINS'] === undefined) {
    throw new UsageError('set SPAMTRAP_TRAP_DOMAINS (the trap domains the sink accepts), or use --demo');
  }
  await ensureTopics({ ...profile.stackEnv, ...Object.fromEntries(Object.entries(profile.userEnv).filter((e): e is [string, string] => e[1] !== undefined)) });
  let failed = 0;
  for (const spec of specsFor(o, profile)) {
    const { record, already } = await sup.start(spec);
    // A process that dies within its first seconds has a config or connection problem: show why.
    const alive = already || (await waitAlive(sup, spec.id, 2_000));
    io.stdout.write(`${spec.id.padEnd(13)} ${already ? 'already running' : alive ? 'started' : 'FAILED'}  pid ${record.pid}  log ${record.log}\n`);
    if (!alive) {
      failed++;
      io.stderr.write(tail(record.log) + '\n');
    }
  }
  return failed === 0 ? 0 : 1;
}

export const command: CommandSpec = {
  summary: 'run the pipeline services in the background on the local stack (up, down, status, kill)',
  usage: USAGE,
  async run(argv, io) {
    const [action, ...rest] = argv;
    const stack = stackSchema.load(io.env);
    const sup = new Supervisor(stack.home);
    const profile: PipelineProfile = { stackEnv: clientEnv(stack), userEnv: io.env, demo: false, demoDnsPort: Number(io.env['DEMO_DNS_PORT'] ?? DEMO_DNS_PORT) };
    switch (action) {
      case 'up':
        return up(rest, io, sup, profile);
      case 'down': {
        for (const r of await sup.stop(rest[0])) io.stdout.write(`${r.id.padEnd(13)} ${r.result}\n`);
        return 0;
      }
      case 'status': {
        const rows = await sup.status();
        if (rows.length === 0) io.stdout.write('no pipeline processes recorded\n');
        for (const r of rows) io.stdout.write(`${r.id.padEnd(13)} ${r.alive ? 'running' : 'stopped'}  pid ${r.pid}  since ${r.startedAt}  log ${r.log}\n`);
        return rows.every((r) => r.alive) ? 0 : 1;
      }
      case 'kill': {
        if (rest[0] === undefined) throw new UsageError('name the process id to kill (see `spamtrap pipeline status`)');
        const ok = await sup.kill(rest[0]);
        io.stdout.write(ok ? `${rest[0]} killed (SIGKILL)\n` : `${rest[0]} was not running\n`);
        return ok ? 0 : 1;
      }
      case 'start': {
        const id = rest[0];
        const rec = sup.read().processes.find((p) => p.id === id);
        if (id === undefined || rec === undefined) throw new UsageError('name a recorded process id (see `spamtrap pipeline status`)');
        const service = rec.service;
        const entry = service === 'demo-dns' ? join(REPO_ROOT, 'services/cli/src/samples/demo-dns-main.ts') : join(REPO_ROOT, 'services', service, 'src', 'main.ts');
        const isDemo = sup.read().processes.some((p) => p.service === 'demo-dns');
        const { record } = await sup.start({ id, service, entry, env: serviceEnv(service, { ...profile, demo: isDemo }) });
        io.stdout.write(`${id} started, pid ${record.pid}\n`);
        return 0;
      }
      case 'logs': {
        const rec = sup.read().processes.find((p) => p.id === rest[0]);
        if (rec === undefined) throw new UsageError('name a recorded process id (see `spamtrap pipeline status`)');
        io.stdout.write(tail(rec.log, 40) + '\n');
        return 0;
      }
      default:
        throw new UsageError(`unknown action "${action ?? ''}" (up, down, status, kill, start, logs)`);
    }
  },
};
