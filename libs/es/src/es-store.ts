// The real EsStore over @elastic/elasticsearch 8.19: thin helpers plus bulk with bounded retries.
import type { Client } from '@elastic/elasticsearch';
import { bulkWithRetry } from './bulk-retry.js';
import { parseBulkItems, type RawBulkResponse } from './bulk-response.js';
import { classifyError, createEsClient } from './client.js';
import { esConfigSchema, type EsConfig } from './config.js';
import { EsRequestError } from './errors.js';
import { opToNdjson } from './ndjson.js';
import type { BulkItemResult, BulkOp, BulkWriteOptions, EsDoc, EsStore, GetResult, HealthResult, RetryPolicy, SearchResult, TemplateSet } from './types.js';

type RawGet = { _index?: string; _id?: string; found?: boolean; _source?: EsDoc; _seq_no?: number; _primary_term?: number; _version?: number; error?: unknown };
type RawSearch = {
  hits?: { total?: number | { value: number }; hits?: Array<{ _index: string; _id: string; _source?: EsDoc; _score?: number | null; sort?: unknown[] }> };
  aggregations?: Record<string, unknown>;
};

// Search/count on a pattern that matches nothing returns empty instead of 404.
const LENIENT = { ignore_unavailable: 'true', allow_no_indices: 'true' };

export interface EsStoreOptions {
  /** Use this client (tests, custom transport); otherwise one is built from config. */
  client?: Client;
  retry?: RetryPolicy;
}

export function createEsStore(cfg: EsConfig = esConfigSchema.load(), opts: EsStoreOptions = {}): EsStore {
  const client = opts.client ?? createEsClient(cfg);
  const policy: RetryPolicy = opts.retry ?? { initialDelayMs: cfg.retryInitialMs, maxDelayMs: cfg.retryMaxDelayMs, maxTotalMs: cfg.retryMaxTotalMs };

  async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw classifyError(err, what);
    }
  }

  const req = <T>(what: string, method: string, path: string, body?: unknown, querystring?: Record<string, string>, ignore?: number[]): Promise<T> =>
    call(what, () => client.transport.request<T>({ method, path, ...(body !== undefined ? { body: body as Record<string, unknown> } : {}), ...(querystring ? { querystring } : {}) }, ignore ? { ignore } : {}));

  const enc = encodeURIComponent;

  async function sendOnce(ops: readonly BulkOp[], o: BulkWriteOptions): Promise<BulkItemResult[]> {
    const bulkBody = ops.map(opToNdjson).join('');
    const res = await call('bulk', () =>
      client.transport.request<RawBulkResponse>({ method: 'POST', path: '/_bulk', bulkBody, ...(o.refresh === 'wait_for' ? { querystring: { refresh: 'wait_for' } } : {}) }),
    );
    return parseBulkItems(res, ops.length);
  }

  const toGet = (index: string, id: string, r: RawGet): GetResult =>
    r.found === true
      ? { found: true, index: r._index ?? index, id: r._id ?? id, source: r._source ?? {}, seqNo: r._seq_no, primaryTerm: r._primary_term, version: r._version }
      : { found: false, index, id };

  return {
    bulkWrite: (ops, o = {}) => bulkWithRetry(sendOnce, ops, o, policy),

    async get(index, id) {
      const r = await req<RawGet>('get', 'GET', `/${enc(index)}/_doc/${enc(id)}`, undefined, undefined, [404]);
      return toGet(index, id, r);
    },

    async mget(index, ids) {
      if (ids.length === 0) return [];
      const r = await req<{ docs?: RawGet[]; error?: unknown }>('mget', 'POST', `/${enc(index)}/_mget`, { ids }, undefined, [404]);
      return ids.map((id, i) => toGet(index, id, r.docs?.[i] ?? {}));
    },

    async search(index, body) {
      const r = await req<RawSearch>('search', 'POST', `/${enc(index)}/_search`, body, LENIENT);
      const total = r.hits?.total;
      return {
        total: typeof total === 'number' ? total : (total?.value ?? 0),
        hits: (r.hits?.hits ?? []).map((h) => ({ index: h._index, id: h._id, source: h._source ?? {}, score: h._score ?? null, ...(h.sort ? { sort: h.sort } : {}) })),
        ...(r.aggregations ? { aggregations: r.aggregations } : {}),
      } satisfies SearchResult;
    },

    async count(index, query) {
      const r = await req<{ count: number }>('count', 'POST', `/${enc(index)}/_count`, query ? { query } : {}, LENIENT);
      return r.count;
    },

    async aggregate(index, aggs, query) {
      const r = await req<RawSearch>('aggregate', 'POST', `/${enc(index)}/_search`, { size: 0, aggs, ...(query ? { query } : {}) }, LENIENT);
      return r.aggregations ?? {};
    },

    async installTemplates(set: TemplateSet) {
      // Component templates first: an index template may only compose existing ones.
      for (const t of set.componentTemplates ?? []) await req('put component template ' + t.name, 'PUT', `/_component_template/${enc(t.name)}`, t.body);
      for (const t of set.indexTemplates ?? []) await req('put index template ' + t.name, 'PUT', `/_index_template/${enc(t.name)}`, t.body);
    },

    async ensureIndex(name, body) {
      const r = await req<{ acknowledged?: boolean; error?: { type?: string } }>('create index ' + name, 'PUT', `/${enc(name)}`, body ?? {}, undefined, [400]);
      if (r.acknowledged === true) return true;
      if (r.error?.type === 'resource_already_exists_exception') return false;
      throw new EsRequestError(`create index ${name}: ${JSON.stringify(r).slice(0, 500)}`, 400, r.error?.type ?? 'unknown');
    },

    async deleteIndices(pattern) {
      // Resolve names first: clusters with action.destructive_requires_name refuse wildcard deletes.
      const found = await req<Record<string, unknown>>('resolve ' + pattern, 'GET', `/${enc(pattern)}`, undefined, { ...LENIENT, expand_wildcards: 'open,closed' }, [404]);
      const names = Object.keys(found).filter((k) => k !== 'error' && k !== 'status');
      for (let i = 0; i < names.length; i += 50) {
        await req('delete indices', 'DELETE', `/${names.slice(i, i + 50).map(enc).join(',')}`, undefined, { ignore_unavailable: 'true' });
      }
    },

    async deleteTemplates(set) {
      for (const t of set.indexTemplates ?? []) await req('delete index template', 'DELETE', `/_index_template/${enc(t.name)}`, undefined, undefined, [404]);
      for (const t of set.componentTemplates ?? []) await req('delete component template', 'DELETE', `/_component_template/${enc(t.name)}`, undefined, undefined, [404]);
    },

    async refresh(index) {
      await req('refresh', 'POST', `/${enc(index)}/_refresh`, undefined, LENIENT);
    },

    async health(): Promise<HealthResult> {
      try {
        const r = await client.cluster.health({ timeout: '5s' }, { requestTimeout: 10_000, maxRetries: 0 });
        return { ok: r.status !== 'red', status: r.status === 'green' || r.status === 'yellow' ? r.status : 'red' };
      } catch (err) {
        return { ok: false, status: 'unreachable', detail: classifyError(err, 'cluster health').message };
      }
    },

    close: () => client.close(),
  };
}
