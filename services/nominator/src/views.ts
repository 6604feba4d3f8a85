// Computes nomination views for a set of keys with one aggregation per chunk of keys over the evidence indices.
import type { EsStore } from '@spamtrap/es';
import { MAX_KEYS_PER_AGGREGATION, nominationAggregation, parseNominationAggregation, type NominationView } from '@spamtrap/es-schema';

export type ComputeViews = (keys: readonly string[]) => Promise<NominationView[]>;

export function aggregationViews(store: Pick<EsStore, 'aggregate'>, evidencePattern: string): ComputeViews {
  return async (keys) => {
    const out: NominationView[] = [];
    for (let i = 0; i < keys.length; i += MAX_KEYS_PER_AGGREGATION) {
      const { query, aggs } = nominationAggregation(keys.slice(i, i + MAX_KEYS_PER_AGGREGATION));
      out.push(...parseNominationAggregation(await store.aggregate(evidencePattern, aggs, query)));
    }
    return out;
  };
}
