// Probe-queue settings: Redis URL, queue name and prefix, cool-down retention, enqueue rate limit.
import { defineConfig, int, str, url, type ConfigOf } from '@spamtrap/config';

export const queueConfigSchema = defineConfig('queue', {
  redisUrl: url({ env: 'REDIS_URL', doc: 'Redis for BullMQ', default: 'redis://127.0.0.1:6380', protocols: ['redis', 'rediss'] }),
  queueName: str({ env: 'PROBE_QUEUE', doc: 'BullMQ queue name for probe jobs', default: 'probe', pattern: /^[A-Za-z0-9._-]{1,100}$/, patternDoc: '1-100 chars of [A-Za-z0-9._-]' }),
  prefix: str({ env: 'QUEUE_PREFIX', doc: 'BullMQ key prefix', default: 'bull', pattern: /^[A-Za-z0-9._-]{1,100}$/, patternDoc: '1-100 chars of [A-Za-z0-9._-]' }),
  cooldownSeconds: int({
    env: 'PROBE_COOLDOWN_SECONDS',
    doc: 'keep completed/failed jobs this long, so the same (kind, IP) is not probed again within the window',
    default: 86_400,
    min: 1,
    max: 90 * 86_400,
  }),
  enqueueRatePerSec: int({ env: 'PROBE_ENQUEUE_RATE', doc: 'jobs added per second per producer process (token bucket)', default: 50, min: 1, max: 100_000 }),
  enqueueBurst: int({ env: 'PROBE_ENQUEUE_BURST', doc: 'token bucket size (jobs that may be added at once)', default: 100, min: 1, max: 1_000_000 }),
  enqueueMaxWaitMs: int({ env: 'PROBE_ENQUEUE_MAX_WAIT_MS', doc: 'longest enqueue waits for the rate limit before a transient error (ms)', default: 5_000, min: 0, max: 600_000 }),
  commandTimeoutMs: int({ env: 'PROBE_REDIS_TIMEOUT_MS', doc: 'producer Redis command timeout (ms)', default: 5_000, min: 50, max: 120_000 }),
  attempts: int({ env: 'PROBE_ATTEMPTS', doc: 'attempts per probe job before it is failed', default: 3, min: 1, max: 50 }),
});

export type QueueConfig = ConfigOf<typeof queueConfigSchema.settings>;
