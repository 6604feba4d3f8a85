// Small statistics helpers for the end-to-end benchmark: percentiles and a rate over a time window.
import type { CountPoint } from './searchable.js';

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const rank = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[rank]!;
}

/**
 * Documents per second that became searchable between `from` and `to`, from the _count series:
 * the difference between the last point at or before each bound, over the time between them.
 */
export function rateBetween(points: readonly CountPoint[], from: number, to: number): number {
  const before = (t: number): CountPoint | undefined => {
    let best: CountPoint | undefined;
    for (const p of points) if (p.at <= t) best = p;
    return best;
  };
  const a = before(from);
  const b = before(to);
  if (!a || !b || b.at <= a.at) return NaN;
  return ((b.count - a.count) * 1000) / (b.at - a.at);
}

export function fmt(n: number, digits = 0): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '-';
}
