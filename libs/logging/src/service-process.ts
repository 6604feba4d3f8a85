// Process plumbing every service main shares: config errors end the start (exit 78), signals drain then exit.
import { ConfigError } from '@spamtrap/config';
import type { Logger } from 'pino';

/** EX_CONFIG from sysexits.h: the conventional exit code for bad configuration. */
export const EXIT_CONFIG = 78;

/**
 * Runs the config loaders and returns their results; when any throws ConfigError, prints every
 * line of every loader (so all mistakes show at once) and exits 78.
 */
export function loadConfigOrExit<T extends unknown[]>(...loaders: { [K in keyof T]: () => T[K] }): T {
  const lines: string[] = [];
  const out = loaders.map((load) => {
    try {
      return load();
    } catch (err) {
      if (err instanceof ConfigError) {
        lines.push(...err.lines);
        return undefined;
      }
      throw err;
    }
  });
  if (lines.length > 0) {
    for (const line of lines) process.stderr.write(`${line}\n`);
    process.exit(EXIT_CONFIG);
  }
  return out as T;
}

/** On the first SIGTERM or SIGINT: log, run `drain` (stop taking work, finish, close), exit 0 (1 if it failed). */
export function drainOnSignals(logger: Logger, drain: () => Promise<void>): void {
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining');
    drain().then(
      () => {
        logger.flush();
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'stop failed');
        logger.flush();
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/** Top-level catch for a service main: one line on stderr, exit 1. */
export function exitOnStartFailure(service: string): (err: unknown) => never {
  return (err) => {
    process.stderr.write(`${service}: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  };
}
