// Trust lists for the hop walk: record's own ∪ per-sink ∪ default, compiled once and cached.
import type { RawFacts } from '@spamtrap/contracts';
import { compileTrust, type CompiledTrust } from './walk.js';

/** Distinct trust-list combinations kept compiled; records from a handful of sinks reuse a few. */
export const TRUST_CACHE_SIZE = 64;

/**
 * Parses `PARSER_SINK_TRUST`: `sinkA=*.mx.example.net,192.0.2.0/24;sinkB=10.0.0.0/8`.
 * Throws an Error naming the bad part.
 */
export function parseSinkTrust(raw: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const part of raw.split(';')) {
    const t = part.trim();
    if (t === '') continue;
    const eq = t.indexOf('=');
    if (eq <= 0) throw new Error(`"${t}": expected sinkId=entry,entry`);
    const sink = t.slice(0, eq).trim();
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(sink)) throw new Error(`"${sink}": sink id must be 1-64 of A-Z a-z 0-9 . _ -`);
    if (sink in out) throw new Error(`sink "${sink}" given twice`);
    out[sink] = t
      .slice(eq + 1)
      .split(/[,\s]+/)
      .filter((s) => s !== '');
  }
  return out;
}

export type TrustResolver = (facts: RawFacts) => CompiledTrust;

/** Returns the compiled union of the record's list, its sink's list and the default list. */
export function createTrustResolver(defaults: readonly string[], perSink: Readonly<Record<string, readonly string[]>>): TrustResolver {
  const cache = new Map<string, CompiledTrust>();
  return (facts) => {
    const sinkId = facts.smtp?.sinkId;
    const sinkEntries = sinkId !== undefined && Object.hasOwn(perSink, sinkId) ? (perSink[sinkId] ?? []) : [];
    const entries = [...new Set([...facts.trusted.filter((e): e is string => typeof e === 'string'), ...sinkEntries, ...defaults])];
    const key = entries.join('\n');
    const hit = cache.get(key);
    if (hit !== undefined) {
      cache.delete(key); // re-insert: Map order doubles as LRU order
      cache.set(key, hit);
      return hit;
    }
    const compiled = compileTrust(entries);
    cache.set(key, compiled);
    if (cache.size > TRUST_CACHE_SIZE) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    return compiled;
  };
}
