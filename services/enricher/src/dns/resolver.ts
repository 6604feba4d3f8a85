// The enricher's DNS client over node:dns Resolver: per-query timeout, bounded concurrency, TTL cache, coalesced duplicate queries.
import { Resolver } from 'node:dns/promises';
import { parseIp, reverseName } from '@spamtrap/ip';
import { TtlCache } from './cache.js';
import { Semaphore } from './semaphore.js';

/** An answer (possibly empty: NXDOMAIN and NODATA are answers) or a failure code. */
export type LookupResult = { ok: true; value: string[] } | { ok: false; error: string };

/** What the enricher needs from DNS; the real client and test doubles implement it. */
export interface DnsLookup {
  /** PTR names of an address (lower-case, no trailing dot). */
  ptr(ip: string): Promise<LookupResult>;
  /** A (family 4) or AAAA (family 6) addresses of a name. */
  addresses(name: string, family: 4 | 6): Promise<LookupResult>;
  /** The cached answer, if any, without querying (lets a warm cache skip timers and promises). */
  peekPtr?(ip: string): LookupResult | undefined;
  peekAddresses?(name: string, family: 4 | 6): LookupResult | undefined;
  stats(): DnsStats;
  /** Cancel queries in flight (they fail with CANCELLED). */
  close(): void;
}

export interface DnsStats {
  queries: number;
  cacheHits: number;
  cacheMisses: number;
  coalesced: number;
  failures: number;
  cacheSize: number;
}

export interface DnsClientOptions {
  /** `host` or `host:port` (`127.0.0.1:5353`, `[::1]:53`); empty = the system resolvers. */
  servers: readonly string[];
  /** c-ares per-try timeout (ms). */
  timeoutMs: number;
  /** c-ares tries per query. */
  tries: number;
  /** Queries in flight at once. */
  concurrency: number;
  /** Cache entries (0 disables the cache). */
  cacheMaxEntries: number;
  /** Upper bound on a record's TTL in the cache (ms): a hostile zone cannot pin an answer for days. */
  cacheMaxTtlMs: number;
  /** How long NXDOMAIN / NODATA is cached (ms). */
  negativeTtlMs: number;
  /** How long a failure (SERVFAIL, timeout) is cached (ms), so a burst does not hammer a broken server; 0 = never. */
  failureTtlMs: number;
  /** TTL for answers that carry none we can read (PTR via c-ares), capped by cacheMaxTtlMs. */
  defaultTtlMs: number;
  now?: () => number;
}

/** c-ares error codes that are answers ("no such name", "no such record"), not failures. */
const ANSWER_CODES = new Set(['ENOTFOUND', 'ENODATA']);
const FAILURE_NAMES: Readonly<Record<string, string>> = {
  ESERVFAIL: 'SERVFAIL',
  ETIMEOUT: 'TIMEOUT',
  EREFUSED: 'REFUSED',
  ECONNREFUSED: 'CONNREFUSED',
  ECANCELLED: 'CANCELLED',
  EBADRESP: 'BADRESP',
  EFORMERR: 'FORMERR',
  ENOTIMP: 'NOTIMP',
  EBADNAME: 'BADNAME',
};
/** PTR names kept per address: a zone may publish many; a handful is all any rule looks at. */
export const MAX_PTR_NAMES = 10;
/** Addresses kept per name, for the same reason. */
export const MAX_ADDRESSES = 32;

interface Cached {
  result: LookupResult;
}

function normName(n: string): string {
  return n.toLowerCase().replace(/\.$/, '');
}

/** Map a thrown resolver error to an answer (NXDOMAIN/NODATA -> empty) or a failure code. */
export function mapDnsError(err: unknown): LookupResult {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? 'UNKNOWN';
  if (ANSWER_CODES.has(code)) return { ok: true, value: [] };
  return { ok: false, error: FAILURE_NAMES[code] ?? code };
}

export function createDnsClient(opts: DnsClientOptions): DnsLookup {
  const resolver = new Resolver({ timeout: opts.timeoutMs, tries: opts.tries });
  if (opts.servers.length > 0) resolver.setServers([...opts.servers]);
  const now = opts.now ?? Date.now;
  const cache = new TtlCache<Cached>(opts.cacheMaxEntries, now);
  const sem = new Semaphore(opts.concurrency);
  const inflight = new Map<string, Promise<LookupResult>>();
  const counters = { queries: 0, coalesced: 0, failures: 0 };

  async function query(key: string, run: () => Promise<{ value: string[]; ttlMs: number }>): Promise<LookupResult> {
    const hit = cache.get(key);
    if (hit !== undefined) return hit.result;
    const pending = inflight.get(key);
    if (pending !== undefined) {
      counters.coalesced++;
      return pending;
    }
    const p = sem
      .run(async () => {
        counters.queries++;
        try {
          const { value, ttlMs } = await run();
          const result: LookupResult = { ok: true, value };
          cache.set(key, { result }, Math.min(value.length === 0 ? opts.negativeTtlMs : ttlMs, opts.cacheMaxTtlMs));
          return result;
        } catch (err) {
          const result = mapDnsError(err);
          if (result.ok) cache.set(key, { result }, Math.min(opts.negativeTtlMs, opts.cacheMaxTtlMs));
          else {
            counters.failures++;
            cache.set(key, { result }, opts.failureTtlMs);
          }
          return result;
        }
      })
      .finally(() => inflight.delete(key));
    inflight.set(key, p);
    return p;
  }

  const ptrKey = (ip: string): string | null => {
    const name = reverseName(ip);
    return name === null ? null : `PTR ${name}`;
  };
  const addrKey = (name: string, family: 4 | 6): string => `${family === 4 ? 'A' : 'AAAA'} ${normName(name)}`;

  return {
    peekPtr(ip) {
      const key = ptrKey(ip);
      return key === null ? { ok: false, error: 'BADNAME' } : cache.get(key)?.result;
    },
    peekAddresses(name, family) {
      return cache.get(addrKey(name, family))?.result;
    },
    ptr(ip) {
      const name = reverseName(ip);
      if (name === null) return Promise.resolve({ ok: false, error: 'BADNAME' });
      return query(`PTR ${name}`, async () => {
        const names = await resolver.resolvePtr(name);
        const value = [...new Set(names.map(normName))].sort().slice(0, MAX_PTR_NAMES);
        return { value, ttlMs: opts.defaultTtlMs };
      });
    },
    addresses(rawName, family) {
      const name = normName(rawName);
      return query(addrKey(name, family), async () => {
        const recs = family === 4 ? await resolver.resolve4(name, { ttl: true }) : await resolver.resolve6(name, { ttl: true });
        const ttl = recs.reduce((m, r) => Math.min(m, r.ttl), Number.POSITIVE_INFINITY);
        const value = [...new Set(recs.map((r) => parseIp(r.address) ?? r.address))].sort().slice(0, MAX_ADDRESSES);
        return { value, ttlMs: Number.isFinite(ttl) ? ttl * 1000 : opts.defaultTtlMs };
      });
    },
    stats() {
      return { ...counters, cacheHits: cache.hits, cacheMisses: cache.misses, cacheSize: cache.size };
    },
    close() {
      resolver.cancel();
    },
  };
}
