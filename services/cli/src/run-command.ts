// Runs one parsed CLI command with the shared conventions: --help, usage errors (exit 2) and config errors (exit 78).
import { ConfigError } from '@spamtrap/config';
import { UsageError, type CommandIo, type CommandSpec } from './command.js';

export async function runCommand(name: string, spec: CommandSpec, rest: string[], io: CommandIo): Promise<number> {
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

/** The process's own streams, environment and working directory. */
export function defaultIo(): CommandIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
}
