// ioredis connections for the producer (fail fast) and for workers (block and wait, as BullMQ requires).
import { Redis, type RedisOptions } from 'ioredis';

/** Reconnect with a capped backoff forever: the connection heals itself once Redis is back. */
const reconnect = (times: number): number => Math.min(100 * 2 ** Math.min(times, 5), 2_000);

/**
 * Producer: `enableOfflineQueue: false` so commands issued while Redis is down fail at once
 * instead of piling up in memory; one retry per command in flight when the link drops.
 */
export function producerConnection(redisUrl: string, commandTimeoutMs: number): Redis {
  const opts: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: commandTimeoutMs,
    connectTimeout: Math.max(commandTimeoutMs, 1_000),
    retryStrategy: reconnect,
    lazyConnect: true,
  };
  return new Redis(redisUrl, opts);
}

/** Worker: BullMQ blocks on Redis and needs `maxRetriesPerRequest: null` (it warns otherwise). */
export function workerConnection(redisUrl: string): Redis {
  return new Redis(redisUrl, { maxRetriesPerRequest: null, retryStrategy: reconnect });
}
