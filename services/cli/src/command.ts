// The contract every `spamtrap <command>` module fulfils.

/** Where a command writes; injected so tests can capture output. */
export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: Record<string, string | undefined>;
  cwd: string;
}

export interface CommandSpec {
  /** One line for `spamtrap --help`. */
  summary: string;
  /** Full usage text for `spamtrap <command> --help`. */
  usage: string;
  /** Runs the command; resolves to the process exit code. */
  run(argv: string[], io: CommandIo): Promise<number>;
}

/** A usage mistake: printed as one line plus a hint, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
