// pino JSON loggers for services and CLI commands; one factory so fields and levels stay uniform.
import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * A JSON logger tagged with the service name. Logs go to stderr so that commands whose stdout
 * is data (`explain --json`, `received --json`) stay machine-readable.
 */
export function createLogger(service: string, level: LogLevel = 'info', options: LoggerOptions = {}): Logger {
  return pino(
    {
      name: service,
      level,
      base: { service, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      ...options,
    },
    pino.destination({ fd: 2, sync: false }),
  );
}

/** A logger that drops everything (unit tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
export { EXIT_CONFIG, drainOnSignals, exitOnStartFailure, loadConfigOrExit } from './service-process.js';
