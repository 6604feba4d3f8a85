// Nominations as a materialized view of the evidence index: the aggregation that computes them and the document it yields.
import { boundList, dateOrNull, numOrNull } from './bound.js';
import { isIp } from './ip-check.js';
import { NOMINATION_RECENT_EVIDENCE, NOMINATION_TERMS } from './limits.js';
import { ECS_VERSION } from './templates.js';

/** Keys per aggregation request: bounds the `include` list and the response size. */
export const MAX_KEYS_PER_AGGREGATION = 100;

export type NominationStatus = 'suspect' | 'confirmed_open' | 'closed';

/** What the evidence index says about one nomination key. */
export interface NominationView {
  key: string;
  hits: number;
  firstSeen: string;
  lastSeen: string;
  classes: string[];
  reasons: string[];
  ips: string[];
  probeKinds: string[];
  helos: string[];
  rdns: string[];
  confidenceMax: number | null;
  /** Newest first. */
  evidenceIds: string[];
}

const terms = (field: string, size = NOMINATION_TERMS): Record<string, unknown> => ({ terms: { field, size } });

/**
 * One request computes the views of up to MAX_KEYS_PER_AGGREGATION keys. The terms aggregation with
 * an exact `include` list and `size` >= keys returns every key from every shard, so counts are exact.
 */
export function nominationAggregation(keys: readonly string[]): { query: Record<string, unknown>; aggs: Record<string, unknown> } {
  if (keys.length === 0 || keys.length > MAX_KEYS_PER_AGGREGATION) throw new Error(`nominationAggregation: 1..${MAX_KEYS_PER_AGGREGATION} keys, got ${keys.length}`);
  return {
    query: { terms: { 'spamtrap.nomination.key': [...keys] } },
    aggs: {
      keys: {
        terms: { field: 'spamtrap.nomination.key', include: [...keys], size: keys.length, min_doc_count: 1 },
        aggs: {
          first_seen: { min: { field: '@timestamp' } },
          last_seen: { max: { field: '@timestamp' } },
          classes: terms('spamtrap.verdict.class'),
          reasons: terms('spamtrap.verdict.reasons'),
          ips: terms('spamtrap.nomination.ip'),
          probe_kinds: terms('spamtrap.nomination.probe', 4),
          helos: terms('spamtrap.smtp.helo'),
          rdns: terms('source.domain'),
          confidence_max: { max: { field: 'spamtrap.verdict.confidence' } },
          recent: {
            top_hits: {
              size: NOMINATION_RECENT_EVIDENCE,
              sort: [{ '@timestamp': { order: 'desc' } }, { 'event.id': { order: 'desc' } }],
              _source: false,
              docvalue_fields: ['event.id'],
            },
          },
        },
      },
    },
  };
}

type Bucket = Record<string, unknown> & { key?: unknown; doc_count?: unknown };

function bucketKeys(agg: unknown): string[] {
  const buckets = (agg as { buckets?: Bucket[] } | undefined)?.buckets ?? [];
  return boundList(
    buckets.map((b) => (typeof b.key_as_string === 'string' ? b.key_as_string : typeof b.key === 'string' ? b.key : null)),
    NOMINATION_TERMS,
  );
}

function metric(agg: unknown): { value: number | null; asString: string | null } {
  const a = agg as { value?: unknown; value_as_string?: unknown } | undefined;
  return { value: numOrNull(a?.value), asString: typeof a?.value_as_string === 'string' ? a.value_as_string : null };
}

/** Reads the aggregation response of `nominationAggregation` into one view per key found. */
export function parseNominationAggregation(aggs: Record<string, unknown>): NominationView[] {
  const buckets = (aggs['keys'] as { buckets?: Bucket[] } | undefined)?.buckets ?? [];
  const out: NominationView[] = [];
  for (const b of buckets) {
    if (typeof b.key !== 'string' || typeof b.doc_count !== 'number') continue;
    const first = metric(b['first_seen']);
    const last = metric(b['last_seen']);
    const firstSeen = dateOrNull(first.asString) ?? (first.value !== null ? new Date(first.value).toISOString() : null);
    const lastSeen = dateOrNull(last.asString) ?? (last.value !== null ? new Date(last.value).toISOString() : null);
    if (firstSeen === null || lastSeen === null) continue;
    const hits = ((b['recent'] as { hits?: { hits?: Array<{ _id?: unknown; fields?: Record<string, unknown[]> }> } } | undefined)?.hits?.hits ?? []);
    out.push({
      key: b.key,
      hits: b.doc_count,
      firstSeen,
      lastSeen,
      classes: bucketKeys(b['classes']),
      reasons: bucketKeys(b['reasons']),
      ips: bucketKeys(b['ips']).filter(isIp),
      probeKinds: bucketKeys(b['probe_kinds']),
      helos: bucketKeys(b['helos']),
      rdns: bucketKeys(b['rdns']),
      confidenceMax: metric(b['confidence_max']).value,
      evidenceIds: boundList(hits.map((h) => (typeof h._id === 'string' ? h._id : h.fields?.['event.id']?.[0])), NOMINATION_RECENT_EVIDENCE),
    });
  }
  return out;
}

/** The IP stored in `threat.indicator.ip` for a key: the address, or the network address of a /64. */
export function keyAddress(key: string): string | null {
  const addr = key.endsWith('/64') ? key.slice(0, -3) : key;
  return isIp(addr) ? addr : null;
}

/**
 * The nomination document. Written with `version = hits`, `version_type: external_gte`: evidence only
 * grows and is idempotent by `_id`, so a view with more hits is always the newer one; a stale writer
 * gets 409, which means a newer or equal view already won.
 */
export function buildNominationDoc(view: NominationView, updatedAt: string): Record<string, unknown> {
  const ip = keyAddress(view.key);
  const isV6 = view.key.includes(':');
  return {
    '@timestamp': view.lastSeen,
    ecs: { version: ECS_VERSION },
    event: { kind: 'enrichment', category: ['threat'], type: ['indicator'], dataset: 'spamtrap.nomination', module: 'spamtrap', id: view.key },
    threat: {
      indicator: {
        type: isV6 ? 'ipv6-addr' : 'ipv4-addr',
        ...(ip !== null ? { ip } : {}),
        provider: 'spamtrap',
        first_seen: view.firstSeen,
        last_seen: view.lastSeen,
        sightings: view.hits,
      },
    },
    spamtrap: {
      nomination: {
        key: view.key,
        ip_version: isV6 ? 6 : 4,
        ips: view.ips,
        hits: view.hits,
        first_seen: view.firstSeen,
        last_seen: view.lastSeen,
        classes: view.classes,
        reasons: view.reasons,
        probe_kinds: view.probeKinds,
        helos: view.helos,
        rdns: view.rdns,
        ...(view.confidenceMax !== null ? { confidence_max: view.confidenceMax } : {}),
        evidence_ids: view.evidenceIds,
        status: 'suspect' satisfies NominationStatus,
        updated_at: updatedAt,
      },
    },
  };
}
