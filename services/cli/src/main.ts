// The spamtrap CLI dispatcher: finds `commands/<name>.ts` modules and runs the one asked for.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConfigError } from '@spamtrap/config';
import { UsageError, type CommandIo, type CommandSpec } from './command.js';

const COMMANDS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'commands');

function commandNames(): string[] {
  return readdirSync(COMMANDS_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('_'))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function loadCommand(name: string): Promise<CommandSpec> {
  const mod = (await import(pathToFileURL(join(COMMANDS_DIR, `${name}.ts`)).href)) as { command: CommandSpec };
  return mod.command;
}

async function printHelp(io: CommandIo): Promise<void> {
  const lines = ['Usage: spamtrap <command> [options]', '', 'Commands:'];
  for (const name of commandNames()) {
    const spec = await loadCommand(name);
    lines.push(`  ${name.padEnd(12)} ${spec.summary}`);
  }
  lines.push('', 'Run `spamtrap <command> --help` for the options of one command.');
  io.stdout.write(lines.join('\n') + '\n');
}

export async function main(argv: string[], io: CommandIo = defaultIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    await printHelp(io);
    return name === undefined ? 2 : 0;
  }
  if (!commandNames().includes(name)) {
    io.stderr.write(`spamtrap: unknown command "${name}". Run \`spamtrap --help\` for the list.\n`);
    return 2;
  }
  const spec = await loadCommand(name);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(spec.usage.trimEnd() + '\n');
    return 0;
  }
  try {
    return await spec.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`spamtrap ${name}: ${err.message}\nRun \`spamtrap ${name} --help\` for usage.\n`);
      return 2;
    }
    if (err instanceof ConfigError) {
      for (const line of err.lines) io.stderr.write(`config error: ${line}\n`);
      return 78;
    }
    throw err;
  }
}

function defaultIo(): CommandIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
}
