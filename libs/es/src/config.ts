// Elasticsearch connection settings: one schema, env overrides (ES_NODE, credentials, timeouts, retries).
import { defineConfig, int, str, url, type ConfigOf } from '@spamtrap/config';

export const esConfigSchema = defineConfig(
  'elasticsearch',
  {
    node: url({ env: 'ES_NODE', doc: 'Elasticsearch URL', default: 'http://127.0.0.1:9200', protocols: ['http', 'https'] }),
    username: str({ env: 'ES_USERNAME', doc: 'basic-auth user (optional)', default: '' }),
    password: str({ env: 'ES_PASSWORD', doc: 'basic-auth password (optional)', default: '' }),
    apiKey: str({ env: 'ES_API_KEY', doc: 'API key, base64 id:key (optional; wins over user/password)', default: '' }),
    requestTimeoutMs: int({ env: 'ES_REQUEST_TIMEOUT_MS', doc: 'per-request timeout (ms)', default: 30_000, min: 100, max: 600_000 }),
    maxRetries: int({ env: 'ES_MAX_RETRIES', doc: "client-level retries on connection errors and 502/503/504", default: 3, min: 0, max: 20 }),
    retryInitialMs: int({ env: 'ES_RETRY_INITIAL_MS', doc: 'first backoff wait for 429/5xx (ms), doubled per attempt', default: 200, min: 1, max: 60_000 }),
    retryMaxDelayMs: int({ env: 'ES_RETRY_MAX_DELAY_MS', doc: 'cap for one backoff wait (ms)', default: 5_000, min: 1, max: 600_000 }),
    retryMaxTotalMs: int({ env: 'ES_RETRY_MAX_TOTAL_MS', doc: 'give up retrying 429/5xx after this long (ms): retries stay short (invariant 2)', default: 10_000, min: 0, max: 600_000 }),
  },
  [(c) => (c.password !== '' && c.username === '' ? 'ES_PASSWORD is set but ES_USERNAME is empty' : null)],
);

export type EsConfig = ConfigOf<typeof esConfigSchema.settings>;
