// Probe-job policy: which verdicts lead to a job, the deterministic job id, and the job data.
import type { ProbeKind, VerdictRecord } from '@spamtrap/contracts';
import { nominationOf } from '@spamtrap/es-schema';

/** What the nominator needs from the probe queue (structurally the `ProbeQueue` of @spamtrap/queue). */
export interface ProbeEnqueuer {
  enqueue(job: ProbeJobData, opts: { jobId: string }): Promise<'added' | 'duplicate'>;
}

export interface ProbeJobData {
  ip: string;
  kind: ProbeKind;
  evidenceIds: string[];
  reasons: string[];
  firstSeen: string;
}

/** Evidence ids per job: a sample, the full list is in Elasticsearch (queue contract allows 100). */
export const JOB_EVIDENCE_IDS = 20;
/** Reason codes per job (queue contract allows 64). */
export const JOB_REASONS = 32;

const CLASS_KIND: Partial<Record<VerdictRecord['class'], ProbeKind>> = {
  open_relay_suspect: 'relay',
  open_proxy_suspect: 'proxy',
};

/** The probe kind for a verdict, or null: only open-relay and open-proxy suspects with a nomination are probed. */
export function probeKindOf(v: VerdictRecord): ProbeKind | null {
  if (nominationOf(v) === null) return null;
  return CLASS_KIND[v.class] ?? null;
}

/**
 * `relay-198.51.100.7-20412`, `proxy-2001_db8_1_2___64-20412`: kind, the nomination key with `:` and
 * `/` replaced (BullMQ forbids `:`), and the cool-down window index floor(evidenceTimeMs / cooldownMs).
 * The window comes from the evidence time, not the wall clock, so replaying the same evidence maps to
 * the same id and collapses; evidence in a later window yields one new job for that window.
 */
export function probeJobIdFor(kind: ProbeKind, key: string, evidenceTimeMs: number, cooldownMs: number): string {
  const window = Math.floor(evidenceTimeMs / cooldownMs);
  return `${kind}-${key.toLowerCase().replace(/[:/]/g, '_')}-${window}`;
}
