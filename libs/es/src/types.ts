// The Elasticsearch adapter's public contract: what the real client adapter and the in-memory fake both implement.

/** A JSON document body. Kept loose on purpose: document shapes belong to `@spamtrap/es-schema`. */
export type EsDoc = Record<string, unknown>;

/** Version semantics for `index` / `delete` with a caller-supplied version. */
export type VersionType = 'external' | 'external_gte';

/**
 * One bulk operation. `id` is always required: deterministic ids make replays idempotent
 * (architecture §3 "Evidence id").
 */
export type BulkOp =
  | {
      op: 'index';
      index: string;
      id: string;
      doc: EsDoc;
      /** Optimistic concurrency: only write if the stored doc has this seq_no / primary_term (else 409). */
      ifSeqNo?: number;
      ifPrimaryTerm?: number;
      /** External versioning: with `external_gte` a lower version gets 409, an equal one is accepted. */
      version?: number;
      versionType?: VersionType;
    }
  | {
      /** Write only if no document with this id exists; otherwise 409 (an answer, not an error). */
      op: 'create';
      index: string;
      id: string;
      doc: EsDoc;
    }
  | {
      /** Partial-document merge; with `docAsUpsert` the doc is created when missing. */
      op: 'update';
      index: string;
      id: string;
      doc: EsDoc;
      docAsUpsert?: boolean;
      ifSeqNo?: number;
      ifPrimaryTerm?: number;
      /** Let ES re-apply the merge on internal seq_no conflicts (concurrent updaters), default 0. */
      retryOnConflict?: number;
    }
  | {
      op: 'delete';
      index: string;
      id: string;
      ifSeqNo?: number;
      ifPrimaryTerm?: number;
      version?: number;
      versionType?: VersionType;
    };

/** What Elasticsearch did with a successful item. */
export type BulkItemOk = {
  ok: true;
  status: number;
  /** `created | updated | deleted | noop | not_found` (a delete of a missing doc is ok with `not_found`, status 404). */
  result: string;
  seqNo?: number;
  primaryTerm?: number;
  version?: number;
};

/**
 * A failed item. `status` 409 = version conflict (for external versioning: a newer version already
 * won, treat as success; for `create`: the document already exists). `status` 400 = permanent
 * (e.g. `strict_dynamic_mapping_exception`): DLQ that document, the rest of the batch proceeds.
 */
export type BulkItemFailure = {
  ok: false;
  status: number;
  /** Elasticsearch's error type, e.g. `version_conflict_engine_exception`, `strict_dynamic_mapping_exception`. */
  type: string;
  reason: string;
};

export type BulkItemResult = BulkItemOk | BulkItemFailure;

export interface BulkWriteOptions {
  /** `wait_for`: resolve after the writes are visible to search (tests); default false. */
  refresh?: false | 'wait_for';
}

/** Bounded exponential backoff for 429 / 5xx, for the whole request and for rejected items. */
export interface RetryPolicy {
  /** First wait (ms); doubled each attempt, with jitter. */
  initialDelayMs: number;
  /** Cap for one wait (ms). */
  maxDelayMs: number;
  /** Give up (throw EsUnavailableError) once this much time has passed since the first attempt (ms). */
  maxTotalMs: number;
}

export interface ComponentTemplate {
  name: string;
  /** The body of `PUT _component_template/<name>` (`{ template: { settings?, mappings? }, _meta? }`). */
  body: EsDoc;
}

export interface IndexTemplate {
  name: string;
  /** The body of `PUT _index_template/<name>` (`{ index_patterns, composed_of?, priority?, template? }`). */
  body: EsDoc;
}

export interface TemplateSet {
  componentTemplates?: ComponentTemplate[];
  indexTemplates?: IndexTemplate[];
}

export interface GetResult {
  found: boolean;
  id: string;
  index: string;
  source?: EsDoc;
  seqNo?: number;
  primaryTerm?: number;
  version?: number;
}

export interface SearchHit {
  index: string;
  id: string;
  source: EsDoc;
  score: number | null;
  sort?: unknown[];
}

export interface SearchResult {
  total: number;
  hits: SearchHit[];
  aggregations?: Record<string, unknown>;
}

/** Cluster readiness: `cluster.health` (GET / is absent on the integ-test distribution). */
export interface HealthResult {
  ok: boolean;
  status: 'green' | 'yellow' | 'red' | 'unreachable';
  detail?: string;
}

/**
 * Store primitives over Elasticsearch, evidence-agnostic. Errors: transient trouble (ES down,
 * 429/5xx beyond the retry budget) throws `EsUnavailableError` (callers retry later and do not
 * commit offsets); a bad request throws `EsRequestError`. Per-item outcomes of a bulk are
 * returned, never thrown, except items still rejected with 429/5xx after the retry budget.
 */
export interface EsStore {
  /** One bulk request (with retries); one result per op, in order. Use `BulkBuffer` for batching. */
  bulkWrite(ops: readonly BulkOp[], opts?: BulkWriteOptions): Promise<BulkItemResult[]>;
  get(index: string, id: string): Promise<GetResult>;
  mget(index: string, ids: readonly string[]): Promise<GetResult[]>;
  /** `body` is a search request body (`query`, `size`, `sort`, `aggs`, ...). Missing index -> 0 hits. */
  search(index: string, body: EsDoc): Promise<SearchResult>;
  count(index: string, query?: EsDoc): Promise<number>;
  /** Runs `aggs` with `size: 0` and returns the aggregations object. */
  aggregate(index: string, aggs: EsDoc, query?: EsDoc): Promise<Record<string, unknown>>;
  /** Idempotent `PUT _component_template` then `PUT _index_template`. */
  installTemplates(set: TemplateSet): Promise<void>;
  /** Create the index unless it exists (templates apply); returns true when it was created. */
  ensureIndex(name: string, body?: EsDoc): Promise<boolean>;
  /** Delete indices matching a pattern (`test-abc-*`); for tests. Missing -> no-op. */
  deleteIndices(pattern: string): Promise<void>;
  /** Delete index and component templates by name; for tests. Missing -> no-op. */
  deleteTemplates(set: TemplateSet): Promise<void>;
  refresh(index: string): Promise<void>;
  health(): Promise<HealthResult>;
  close(): Promise<void>;
}
