// Small helpers for reading bulk item results.
import type { BulkItemResult } from './types.js';

/**
 * True for a 409 version conflict: with `create` the document already exists; with external
 * versioning a newer (or equal, for `external`) version already won. Both mean "nothing to do".
 */
export function isVersionConflict(r: BulkItemResult): boolean {
  return !r.ok && r.status === 409;
}
