// The spamtrap CLI dispatcher: finds `commands/<name>.ts` modules and runs the one asked for.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CommandIo, CommandSpec } from './command.js';
import { defaultIo, runCommand } from './run-command.js';

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
  return runCommand(name, await loadCommand(name), rest, io);
}
