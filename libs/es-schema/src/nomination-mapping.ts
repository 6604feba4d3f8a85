// The nominations index mapping: one document per nominated IPv4 address or IPv6 /64, `dynamic: strict`.
import { date, float, ip, kw, long, obj, type Properties } from './mapping-types.js';

export const NOMINATION_PROPERTIES: Properties = {
  spamtrap: obj({
    nomination: obj({
      /** The aggregation key: an IPv4 address or an IPv6 /64 such as `2001:db8:1:2::/64`. */
      key: kw(),
      ip_version: long(),
      /** Connecting peers seen under the key (one for IPv4, several for a /64). */
      ips: ip(),
      hits: long(),
      first_seen: date(),
      last_seen: date(),
      classes: kw(),
      reasons: kw(),
      probe_kinds: kw(),
      helos: kw(),
      rdns: kw(),
      confidence_max: float(),
      /** Most recent evidence ids (newest first), bounded. */
      evidence_ids: kw(),
      /**
       * `suspect` from the nominator. Reserved for probe workers: `confirmed_open` / `closed`, derived
       * from probe results when the view is recomputed (see docs/probe-jobs.md).
       */
      status: kw(),
      probe: obj({ last_result: kw(), last_run_at: date(), last_kind: kw() }),
      updated_at: date(),
    }),
  }),
};
