// Checks job ids and ProbeJob data before anything reaches Redis, and builds the default deterministic job id.
import { isIP } from 'node:net';
import { InvalidProbeJobError } from './errors.js';
import type { ProbeJob, ProbeKind } from './types.js';

/** Job ids become Redis key suffixes; 200 chars fits `kind-` plus any IPv6 text with room to spare. */
export const MAX_JOB_ID_LENGTH = 200;
/** A job carries a sample of evidence ids; the full list lives in Elasticsearch. 100 keeps a job under ~5 KB. */
export const MAX_EVIDENCE_IDS = 100;
/** Reason codes per verdict are a few; 64 is generous and bounds job size. */
export const MAX_REASONS = 64;
/** Evidence ids and reason codes are short tokens (UUIDv7 = 36, sha256 hex = 64). */
export const MAX_TOKEN_LENGTH = 128;

const JOB_ID = /^[A-Za-z0-9._-]+$/;

/** BullMQ custom ids must not contain `:` (key separator) nor be all digits (taken for auto ids). */
export function checkJobId(id: unknown): string {
  if (typeof id !== 'string' || id === '') throw new InvalidProbeJobError('job id must be a non-empty string');
  if (id.length > MAX_JOB_ID_LENGTH) throw new InvalidProbeJobError(`job id is ${id.length} chars, limit ${MAX_JOB_ID_LENGTH}`);
  if (id.includes(':')) throw new InvalidProbeJobError(`job id ${JSON.stringify(id)} contains ':' (BullMQ uses it as a key separator); encode it, e.g. with probeJobId()`);
  if (/^\d+$/.test(id)) throw new InvalidProbeJobError(`job id ${JSON.stringify(id)} is all digits (BullMQ reserves integer ids for generated ids)`);
  if (!JOB_ID.test(id)) throw new InvalidProbeJobError(`job id ${JSON.stringify(id.slice(0, 60))} has characters outside [A-Za-z0-9._-]`);
  return id;
}

/** Deterministic job id for one (kind, IP): `relay-192.0.2.1`, `proxy-2001_db8__1` (`:` becomes `_`). */
export function probeJobId(kind: ProbeKind, ip: string): string {
  return checkJobId(`${kind}-${ip.toLowerCase().replace(/:/g, '_')}`);
}

const tokens = (v: unknown, what: string, max: number): string[] => {
  if (!Array.isArray(v)) throw new InvalidProbeJobError(`${what} must be an array of strings`);
  if (v.length > max) throw new InvalidProbeJobError(`${what} has ${v.length} items, limit ${max}`);
  for (const t of v) {
    if (typeof t !== 'string' || t === '' || t.length > MAX_TOKEN_LENGTH) throw new InvalidProbeJobError(`${what} items must be non-empty strings of at most ${MAX_TOKEN_LENGTH} chars`);
  }
  return [...(v as string[])];
};

/** Validates untrusted data (worker side) or producer input; returns a clean copy with only the contract fields. */
export function checkProbeJob(data: unknown): ProbeJob {
  if (typeof data !== 'object' || data === null) throw new InvalidProbeJobError('probe job must be an object');
  const d = data as Record<string, unknown>;
  if (typeof d['ip'] !== 'string' || isIP(d['ip']) === 0) throw new InvalidProbeJobError(`ip ${JSON.stringify(String(d['ip']).slice(0, 60))} is not an IP address`);
  if (d['kind'] !== 'relay' && d['kind'] !== 'proxy') throw new InvalidProbeJobError(`kind must be "relay" or "proxy", got ${JSON.stringify(String(d['kind']).slice(0, 30))}`);
  const firstSeen = d['firstSeen'];
  if (typeof firstSeen !== 'string' || firstSeen.length > 40 || Number.isNaN(Date.parse(firstSeen))) throw new InvalidProbeJobError('firstSeen must be an ISO-8601 timestamp');
  return { ip: d['ip'], kind: d['kind'], evidenceIds: tokens(d['evidenceIds'], 'evidenceIds', MAX_EVIDENCE_IDS), reasons: tokens(d['reasons'], 'reasons', MAX_REASONS), firstSeen };
}
