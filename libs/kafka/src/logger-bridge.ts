// Routes kafkajs' own log lines into a pino logger, so a service has one JSON log stream.
import type { logCreator, logLevel as LogLevel } from 'kafkajs';
import { logLevel } from './kafkajs.js';
import type { Logger } from '@spamtrap/logging';

/**
 * kafkajs messages that are expected with our settings and would otherwise warn on every start:
 * we bound producer retries on purpose (see `producerRetries`), so say it once at info level.
 */
const DOWNGRADED = [/Limiting retries for the idempotent producer/];

/**
 * kafkajs' Connection logs every error *response* at ERROR ("Response Fetch(...)": coordinator
 * loading, rebalance in progress, unknown partition during a topic's creation), although the layer
 * above retries most of them; the real failure, if any, surfaces as a thrown error we log ourselves.
 */
function isResponseNoise(namespace: string, message: string): boolean {
  return namespace === 'Connection' && message.startsWith('Response ');
}

/** A kafkajs `logCreator` writing to `logger` (child with `component: 'kafkajs'`). */
export function pinoLogCreator(logger: Logger): logCreator {
  const child = logger.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _ts, logger: _l, ...extra } = log as { message: string; timestamp: string; logger?: string } & Record<string, unknown>;
      const fields = { namespace, ...extra };
      const downgraded = DOWNGRADED.some((re) => re.test(message));
      switch (level) {
        case logLevel.ERROR:
          if (isResponseNoise(namespace, message)) child.warn(fields, message);
          else child.error(fields, message);
          break;
        case logLevel.WARN:
          if (downgraded) child.info(fields, message);
          else child.warn(fields, message);
          break;
        case logLevel.INFO:
          child.info(fields, message);
          break;
        default:
          child.debug(fields, message);
      }
    };
}

/** kafkajs filters before calling the creator; map the pino level so debug lines are not built for nothing. */
export function kafkajsLevel(logger: Logger): LogLevel {
  switch (logger.level) {
    case 'debug':
    case 'trace':
      return logLevel.DEBUG;
    case 'info':
      return logLevel.INFO;
    case 'warn':
      return logLevel.WARN;
    case 'silent':
      return logLevel.NOTHING;
    default:
      return logLevel.ERROR;
  }
}
