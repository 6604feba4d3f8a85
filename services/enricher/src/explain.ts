// explainVerdict: the verdict for one parsed record, with or without live DNS, for `spamtrap explain`.
import type { ParsedRecord, VerdictRecord } from '@spamtrap/contracts';
import { EMPTY_POLICY, compilePolicy, type PolicyConfig } from '@spamtrap/verdict';
import { createDnsClient, type DnsLookup } from './dns/resolver.js';
import { enrich } from './enrich.js';

export interface ExplainOptions {
  /** Look up PTR / forward / HELO now (false: DNS_SKIPPED). */
  dns: boolean;
  /** Use this resolver (tests); otherwise a short-lived client on `servers` or the system resolvers. */
  resolver?: DnsLookup;
  servers?: string[];
  policy?: PolicyConfig;
  deadlineMs?: number;
}

/** Defaults for a one-off explain: short timeouts, no cache to speak of. */
const EXPLAIN_TIMEOUT_MS = 2000;
const EXPLAIN_DEADLINE_MS = 5000;

export async function explainVerdict(parsed: ParsedRecord, opts: ExplainOptions): Promise<VerdictRecord> {
  const policy = compilePolicy(opts.policy ?? EMPTY_POLICY);
  let own: DnsLookup | null = null;
  let dns: DnsLookup | null = null;
  if (opts.dns) {
    dns = opts.resolver ?? null;
    if (dns === null) {
      own = createDnsClient({
        servers: opts.servers ?? [], timeoutMs: EXPLAIN_TIMEOUT_MS, tries: 1, concurrency: 8, cacheMaxEntries: 100,
        cacheMaxTtlMs: 60_000, negativeTtlMs: 60_000, failureTtlMs: 0, defaultTtlMs: 60_000,
      });
      dns = own;
    }
  }
  try {
    return await enrich(parsed, { policy, dns, facts: { deadlineMs: opts.deadlineMs ?? EXPLAIN_DEADLINE_MS, maxForwardNames: 3 } });
  } finally {
    own?.close();
  }
}
