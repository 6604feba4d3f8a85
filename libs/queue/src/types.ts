// The probe queue's public contract: the job every probe worker receives, and the producer interface.

/**
 * One probe request: "test whether this host is an open relay / open proxy". This is the public
 * job contract for probe-worker authors (BullMQ queue `PROBE_QUEUE`, default `probe`; job name
 * `probe`; `job.data` is exactly this object, JSON).
 *
 * - `ip`: the connecting peer the sink saw on its socket (never an address claimed in a header;
 *   invariant 3), in canonical text form (IPv4 dotted quad or compressed lower-case IPv6).
 *   Producers have already applied the safety policy (invariant 4); a worker should still refuse
 *   special-purpose ranges before connecting anywhere.
 * - `kind`: `relay` = try to relay a message through `ip` port 25 to a mailbox we own;
 *   `proxy` = try known open-proxy protocols (HTTP CONNECT, SOCKS) on common ports.
 * - `evidenceIds`: evidence ids (Elasticsearch `_id` in the evidence indices) that led to the
 *   nomination; a sample of at most `MAX_EVIDENCE_IDS`, newest last. The full list is in ES.
 * - `reasons`: machine-readable reason codes from the verdict (e.g. `THIRD_PARTY_HANDOFF`),
 *   at most `MAX_REASONS`.
 * - `firstSeen`: ISO-8601 UTC timestamp of the first evidence from this IP.
 *
 * The job id is deterministic (`probeJobId(kind, ip)` by default), so the same (kind, IP) is
 * queued once while its job exists: waiting, active, and for the cool-down window after it
 * completed or failed. A custom job id deduplicates ONLY while the job exists in Redis.
 * Workers write results to Elasticsearch (one probe-result document per run).
 */
export interface ProbeJob {
  ip: string;
  kind: ProbeKind;
  evidenceIds: string[];
  reasons: string[];
  firstSeen: string;
}

export type ProbeKind = 'relay' | 'proxy';

export type EnqueueResult = 'added' | 'duplicate';

export interface EnqueueOptions {
  /** Deterministic id: no `:`, not all digits, [A-Za-z0-9._-], at most MAX_JOB_ID_LENGTH chars. */
  jobId: string;
}

export type JobState = 'waiting' | 'active' | 'delayed' | 'prioritized' | 'waiting-children' | 'completed' | 'failed' | 'unknown';

export interface QueuedJob {
  id: string;
  data: ProbeJob;
  state: JobState;
  attemptsMade: number;
}

export type QueueCounts = Record<'waiting' | 'active' | 'delayed' | 'prioritized' | 'completed' | 'failed', number>;

/**
 * Producer side of the probe queue. `enqueue` rejects with `QueueUnavailableError` (transient:
 * Redis down or slow; retry later, commit nothing), `QueueRateLimitedError` (transient: the
 * enqueue rate limit did not free a slot within its wait bound), or `InvalidProbeJobError`
 * (permanent: bad job id or data; DLQ it).
 */
export interface ProbeQueue {
  enqueue(job: ProbeJob, opts: EnqueueOptions): Promise<EnqueueResult>;
  counts(): Promise<QueueCounts>;
  getJob(id: string): Promise<QueuedJob | null>;
  /** PING; never throws. */
  health(): Promise<{ ok: boolean; detail?: string }>;
  /** Delete the whole queue (tests). */
  obliterate(): Promise<void>;
  close(): Promise<void>;
}

/** What a probe worker's handler gets besides the job data. */
export interface ProbeJobMeta {
  id: string;
  attemptsMade: number;
}

export type ProbeHandler = (job: ProbeJob, meta: ProbeJobMeta) => Promise<unknown>;

/** Clock used by the rate limiter; injectable so tests need no real waiting. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}
