// The verdict section of `spamtrap explain`: the message goes through the parser's and enricher's own code paths.
import { createHash } from 'node:crypto';
import { decodeParsed, importEvidenceId, RAW_HEADERS, type RawFacts, type VerdictRecord } from '@spamtrap/contracts';
import { explainVerdict, loadEnricherConfig, policyFrom } from '@spamtrap/enricher';
import type { IncomingRecord } from '@spamtrap/kafka';
import { loadParserConfig, parseContextFrom, parseRecord, type ParseContext } from '@spamtrap/parser';
import type { SessionFacts } from '@spamtrap/received';
import { reasonText } from './render.js';

export interface VerdictOptions {
  /** Look up PTR, forward confirmation and the HELO's addresses now. */
  dns: boolean;
  dnsServers: string[];
  trustedEntries: string[];
  session?: SessionFacts;
  /** Extra trap domains / our hosts on top of the enricher's configuration (ENRICHER_TRAP_DOMAINS, ...). */
  trapDomains: string[];
  ourHosts: string[];
  env: Record<string, string | undefined>;
}

export interface VerdictEngine {
  verdict(file: string, raw: Buffer): Promise<VerdictRecord | { error: string }>;
}

/** Envelope sender when explain has no SMTP session: the Return-Path the final MTA recorded, if any. */
function returnPath(raw: Buffer): string | null {
  const head = raw.subarray(0, Math.min(raw.length, 65_536)).toString('latin1');
  const m = /^Return-Path:[ \t]*<([^>\r\n]*)>/im.exec(head);
  return m ? m[1]! : null;
}

/** Builds the engine once per run: the parser context and the enricher policy from the same env the services use. */
export function createVerdictEngine(o: VerdictOptions): VerdictEngine {
  const parseCtx: ParseContext = parseContextFrom(loadParserConfig(o.env));
  const enricherConfig = loadEnricherConfig(o.env);
  const base = policyFrom(enricherConfig);
  const policy = { ...base, trapDomains: [...base.trapDomains, ...o.trapDomains], ourHosts: [...base.ourHosts, ...o.ourHosts] };
  const servers = o.dnsServers.length > 0 ? o.dnsServers : enricherConfig.dnsServers;
  return {
    async verdict(file, raw) {
      const sha256 = createHash('sha256').update(raw).digest('hex');
      const now = new Date().toISOString();
      const facts: RawFacts = {
        v: 1,
        evidenceId: importEvidenceId(sha256),
        source: o.session ? 'smtp' : 'import',
        size: raw.length,
        sha256,
        trusted: o.trustedEntries,
        smtp: o.session
          ? {
              sinkId: 'explain', connectionId: 'explain', transaction: 1, acceptedAt: now,
              peer: { ip: o.session.peerIp, port: 0 }, local: { ip: '127.0.0.1', port: 25 }, proxiedBy: null,
              helo: o.session.helo, heloVerb: o.session.helo === null ? null : 'EHLO', tls: null,
              mailFrom: returnPath(raw) ?? '', rcptTo: [], anomalies: [],
            }
          : null,
        import: o.session ? null : { archive: 'explain', format: 'eml', file, entry: null, importedAt: now },
      };
      const record: IncomingRecord = {
        topic: 'explain', partition: 0, offset: '0', key: null, value: raw,
        headers: { [RAW_HEADERS.facts]: Buffer.from(JSON.stringify(facts)) }, timestamp: String(Date.now()),
      };
      const outcome = await parseRecord(record, parseCtx);
      if (outcome.kind !== 'ok' || outcome.outputs[0] === undefined) {
        return { error: outcome.kind === 'dlq' ? `${outcome.reason}: ${outcome.error ?? ''}` : 'parser produced no record' };
      }
      const parsed = decodeParsed(outcome.outputs[0].value);
      return explainVerdict(parsed, { dns: o.dns, servers, policy });
    },
  };
}

/** Text lines for the explanation: class, confidence, nomination (or why not) and reasons with their facts. */
export function verdictSection(v: VerdictRecord | { error: string }): string[] {
  if ('error' in v) return [`verdict: not decided (${v.error})`];
  const lines = [`verdict: ${v.class} (confidence ${v.confidence.toFixed(2)})`];
  const n = v.nomination;
  lines.push(n ? `  nominated: ${n.ip} (key ${n.key})${n.probe ? `, probe job kind ${n.probe}` : ', no probe'}` : '  not nominated');
  if (v.dns) {
    const d = v.dns;
    lines.push(`  dns: ptr=${d.ptr?.join(',') ?? '-'} fcrdns=${d.fcrdns ?? '-'} helo-addresses=${d.heloAddresses?.join(',') ?? '-'}${Object.keys(d.errors).length ? ` errors=${JSON.stringify(d.errors)}` : ''}`);
  }
  lines.push('  verdict reasons:');
  for (const r of v.reasons) lines.push(`    - ${reasonText(r)}`);
  return lines;
}

/** The verdict as a JSON member for `explain --json --verdict`. */
export function verdictJson(v: VerdictRecord | { error: string }): string {
  if ('error' in v) return JSON.stringify({ error: v.error });
  return JSON.stringify({ class: v.class, confidence: v.confidence, nomination: v.nomination, reasons: v.reasons, dns: v.dns });
}
