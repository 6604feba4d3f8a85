// Index and template names derived from one configurable prefix (default `spamtrap`).

export const DEFAULT_INDEX_PREFIX = 'spamtrap';

// ES index names: lowercase, no spaces or \/*?"<>|,#: and not starting with -_+ ; we keep a safe subset.
const PREFIX_RE = /^[a-z0-9][a-z0-9._-]{0,99}$/;

/** Null when the prefix is usable, else why not (for config validation). */
export function checkIndexPrefix(prefix: string): string | null {
  return PREFIX_RE.test(prefix) ? null : 'expected 1-100 characters of a-z, 0-9, ".", "_", "-", starting with a letter or digit';
}

export interface IndexNames {
  prefix: string;
  /** Pattern covering every monthly evidence index (template pattern, data view title, searches). */
  evidencePattern: string;
  nominations: string;
  /** Component and index template names. */
  templates: { evidence: string; nominations: string; common: string };
}

export function indexNames(prefix: string = DEFAULT_INDEX_PREFIX): IndexNames {
  const problem = checkIndexPrefix(prefix);
  if (problem !== null) throw new Error(`index prefix ${JSON.stringify(prefix)}: ${problem}`);
  return {
    prefix,
    evidencePattern: `${prefix}-evidence-*`,
    nominations: `${prefix}-nominations`,
    templates: { evidence: `${prefix}-evidence`, nominations: `${prefix}-nominations`, common: `${prefix}-ecs-common` },
  };
}

/**
 * The monthly evidence index for a document time (`prefix-evidence-YYYY.MM`, UTC). Derived from the
 * record's own acceptance time, not the wall clock, so a replay lands in the same index and overwrites.
 */
export function evidenceIndexFor(prefix: string, isoTime: string): string {
  const t = Date.parse(isoTime);
  if (!Number.isFinite(t)) throw new Error(`evidence time ${JSON.stringify(isoTime)} is not a date`);
  const d = new Date(t);
  const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
  return `${prefix}-evidence-${d.getUTCFullYear()}.${mm}`;
}
