// ParsedRecord -> DnsFacts -> classify -> VerdictRecord, and the batch handler that turns records into verdicts or DLQ outcomes.
import { ContractError, decodeParsed, type DnsFacts, type ParsedRecord, type VerdictRecord } from '@spamtrap/contracts';
import type { BatchHandler, IncomingRecord, RecordOutcome } from '@spamtrap/kafka';
import { parseIp, specialPurpose } from '@spamtrap/ip';
import { classify, compilePolicy, type CompiledPolicy, type PolicyConfig } from '@spamtrap/verdict';
import { lookupDns, type DnsFactsResult, type FactsOptions } from './dns/facts.js';
import type { DnsLookup } from './dns/resolver.js';
import type { EnricherConfig } from './config.js';

export interface EnrichContext {
  policy: CompiledPolicy;
  /** Null when DNS is off: verdicts then carry DNS_SKIPPED. */
  dns: DnsLookup | null;
  facts: FactsOptions;
}

export function policyFrom(config: Pick<EnricherConfig, 'ownNetworks' | 'allowCidrs' | 'allowProviders' | 'allowDnsZones' | 'trapDomains' | 'ourHosts'>): PolicyConfig {
  return {
    ownNetworks: config.ownNetworks, allowCidrs: config.allowCidrs, allowProviderPatterns: config.allowProviders, allowDnsZones: config.allowDnsZones,
    trapDomains: config.trapDomains, ourHosts: config.ourHosts,
  };
}

export function contextFrom(config: EnricherConfig, dns: DnsLookup | null): EnrichContext {
  return {
    policy: compilePolicy(policyFrom(config)),
    dns: config.dnsEnabled ? dns : null,
    facts: { deadlineMs: config.dnsDeadlineMs, maxForwardNames: config.dnsMaxForwardNames, allowZones: config.allowDnsZones },
  };
}

/** DNS facts for the relaying hop, or null when DNS is off, there is no hop, or the peer is special-purpose (nothing to learn). */
async function dnsFor(parsed: ParsedRecord, ctx: EnrichContext): Promise<DnsFactsResult | null> {
  const relay = parsed.walk.relay;
  if (ctx.dns === null || relay === null) return null;
  const ip = parseIp(relay.ip);
  if (ip === null || specialPurpose(ip) !== null) return null;
  const helo = parsed.facts.smtp?.helo ?? relay.helo;
  return lookupDns(ip, typeof helo === 'string' ? helo : null, ctx.dns, { ...ctx.facts, allowZones: ctx.policy.allowDnsZones });
}

/**
 * Judge one parsed record. Deterministic: the same record and the same DNS answers give the same
 * verdict byte for byte; `decidedAt` is the record's `parsedAt`, never the clock.
 */
export async function enrich(parsed: ParsedRecord, ctx: EnrichContext): Promise<VerdictRecord> {
  const looked = await dnsFor(parsed, ctx);
  const dns: DnsFacts | null = looked?.facts ?? null;
  const c = classify({ parsed, dns, policy: ctx.policy, dnsAllowlistHits: looked?.allowlistHits ?? [] });
  return { v: 1, evidenceId: parsed.evidenceId, class: c.class, confidence: c.confidence, reasons: c.reasons, nomination: c.nomination, dns, parsed, decidedAt: parsed.parsedAt };
}

/** Stage reason when judging a decoded record throws (a record shaped wrongly below the checked fields). */
export const ENRICH_FAILED = 'ENRICH_FAILED';

async function one(rec: IncomingRecord, ctx: EnrichContext, outputTopic: string): Promise<RecordOutcome> {
  let parsed: ParsedRecord;
  try {
    parsed = decodeParsed(rec.value);
  } catch (err) {
    if (err instanceof ContractError) return { kind: 'dlq', reason: err.reason, error: err.message, evidenceId: null };
    throw err;
  }
  try {
    const verdict = await enrich(parsed, ctx);
    return { kind: 'ok', outputs: [{ topic: outputTopic, key: verdict.evidenceId, value: JSON.stringify(verdict) }] };
  } catch (err) {
    return { kind: 'dlq', reason: ENRICH_FAILED, error: err instanceof Error ? err.message : String(err), evidenceId: parsed.evidenceId };
  }
}

/** The stage handler: every record of the batch is judged concurrently (DNS is bounded by the client's semaphore). */
export function createEnrichHandler(ctx: EnrichContext, outputTopic: string): BatchHandler {
  return (records) => Promise.all(records.map((r) => one(r, ctx, outputTopic)));
}
