// Builds the @elastic/elasticsearch client from config and maps its errors onto our transient/permanent classes.
import { Client, errors } from '@elastic/elasticsearch';
import type { EsConfig } from './config.js';
import { EsRequestError, EsUnavailableError, isRetryableStatus } from './errors.js';

/** The client's own pooling and connection-error retries are used; 429/5xx backoff is ours (bulk-retry.ts). */
export function createEsClient(cfg: Pick<EsConfig, 'node' | 'username' | 'password' | 'apiKey' | 'requestTimeoutMs' | 'maxRetries'>): Client {
  const auth = cfg.apiKey !== '' ? { apiKey: cfg.apiKey } : cfg.username !== '' ? { username: cfg.username, password: cfg.password } : undefined;
  return new Client({
    node: cfg.node,
    ...(auth ? { auth } : {}),
    requestTimeout: cfg.requestTimeoutMs,
    maxRetries: cfg.maxRetries,
    // The integ-test distribution has no `GET /`, so the default HEAD-/ resurrection ping would fail.
    resurrectStrategy: 'none',
  });
}

type ErrorBody = { error?: { type?: string; reason?: string; root_cause?: Array<{ type?: string; reason?: string }> } | string };

/** ES error type + reason from a response body, whatever its shape. */
export function describeBody(body: unknown): { type: string; reason: string } {
  const b = body as ErrorBody | undefined;
  if (b && typeof b === 'object' && b.error !== undefined) {
    if (typeof b.error === 'string') return { type: 'error', reason: b.error };
    return { type: b.error.type ?? 'unknown', reason: b.error.reason ?? b.error.root_cause?.[0]?.reason ?? '' };
  }
  return { type: 'unknown', reason: typeof body === 'string' ? body.slice(0, 500) : '' };
}

/** Converts a client error into EsUnavailableError (transient) or EsRequestError (permanent). */
export function classifyError(err: unknown, what: string): Error {
  if (err instanceof EsUnavailableError || err instanceof EsRequestError) return err;
  if (err instanceof errors.ResponseError) {
    const status = err.statusCode ?? 0;
    const { type, reason } = describeBody(err.body);
    const msg = `${what}: HTTP ${status} ${type}: ${reason}`;
    return isRetryableStatus(status) ? new EsUnavailableError(msg, status, undefined, { cause: err }) : new EsRequestError(msg, status, type, { cause: err });
  }
  if (
    err instanceof errors.ConnectionError ||
    err instanceof errors.TimeoutError ||
    err instanceof errors.NoLivingConnectionsError ||
    err instanceof errors.RequestAbortedError
  ) {
    return new EsUnavailableError(`${what}: ${err.name}: ${err.message}`, undefined, undefined, { cause: err });
  }
  if (err instanceof errors.ProductNotSupportedError) {
    return new EsRequestError(`${what}: the server does not identify as Elasticsearch`, 0, 'product_not_supported', { cause: err });
  }
  return err instanceof Error ? err : new Error(`${what}: ${String(err)}`);
}
