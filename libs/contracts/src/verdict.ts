// spamtrap.verdicts: the class, confidence, reasons and the nominated IP (or none).
import type { Reason } from './hops.js';
import type { ParsedRecord } from './parsed.js';

export const VERDICT_CLASSES = [
  'open_relay_suspect',
  'open_proxy_suspect',
  'dynamic_ip',
  'direct_bot',
  'stolen_account',
  'webmail_injection',
  'backscatter',
  'allowlisted_provider',
  'unknown',
] as const;
export type VerdictClass = (typeof VERDICT_CLASSES)[number];

/** Probe kinds: the only classes that lead to probe jobs. */
export type ProbeKind = 'relay' | 'proxy';

/** DNS facts about the relaying hop, as looked up by the enricher. */
export interface DnsFacts {
  ptr: string[] | null;
  /** PTR name whose A/AAAA contains the IP (forward-confirmed), or null. */
  fcrdns: string | null;
  heloAddresses: string[] | null;
  /** Lookups that failed: 'ptr', 'forward', 'helo' with the error code. */
  errors: Record<string, string>;
}

export interface Nomination {
  /** The connecting peer's IP. */
  ip: string;
  /** Aggregation key: the IPv4 address, or the IPv6 /64 prefix as `2001:db8:1:2::/64`. */
  key: string;
  /** Probe kind when the class calls for a probe, else null. */
  probe: ProbeKind | null;
}

export interface VerdictRecord {
  v: 1;
  evidenceId: string;
  class: VerdictClass;
  /** 0..1: how strongly the reasons support the class. */
  confidence: number;
  reasons: Reason[];
  /** The nominated peer, or null with a reason (reserved range, allow-listed, authenticated, ...). */
  nomination: Nomination | null;
  dns: DnsFacts | null;
  parsed: ParsedRecord;
  decidedAt: string;
}
