// `spamtrap evidence IP`: what Elasticsearch holds for an IP: its nomination and the recent (redacted) evidence.
import { parseArgs } from 'node:util';
import { createEsStore, esConfigSchema, EsRequestError, EsUnavailableError, type EsDoc } from '@spamtrap/es';
import { checkIndexPrefix, DEFAULT_INDEX_PREFIX, indexNames } from '@spamtrap/es-schema';
import { nominationKey, parseIp } from '@spamtrap/ip';
import { UsageError, type CommandIo, type CommandSpec } from '../command.js';

const USAGE = `Usage: spamtrap evidence IP [--json] [--related] [--limit N] [--es URL] [--prefix P]

Prints the nomination for IP (hits, first/last seen, classes, reasons, status) and its most recent
evidence (time, class, HELO, rDNS, reasons, subject). An IPv6 address shows the nomination of its
/64 and the evidence of the whole /64. Trap addresses are never shown (restricted fields are not read).

  --json       one JSON object: {"ip","key","nomination":{...}|null,"total","evidence":[...]}
  --related    also evidence where IP appears anywhere in the Received chain (related.ip), e.g. as a
               claimed origin below the relaying hop (claims, never nominated)
  --limit N    evidence documents to show, newest first (default 20, at most 500)
  --es URL     Elasticsearch URL (default: ES_NODE or http://127.0.0.1:9200)
  --prefix P   index prefix (default: ES_INDEX_PREFIX or ${DEFAULT_INDEX_PREFIX})
`;

/** Upper bound on --limit: one search page, readable output. */
const MAX_LIMIT = 500;
/** Only public fields are fetched; `spamtrap.restricted` is never requested. */
const EVIDENCE_FIELDS = [
  '@timestamp',
  'event.id',
  'event.dataset',
  'source.ip',
  'source.domain',
  'email.subject',
  'spamtrap.verdict.class',
  'spamtrap.verdict.reasons',
  'spamtrap.smtp.helo',
  'spamtrap.smtp.anomalies',
  'spamtrap.relay.rdns',
];

export interface EvidenceLine {
  id: string;
  time: string;
  dataset: string | null;
  sourceIp: string | null;
  class: string | null;
  helo: string | null;
  rdns: string | null;
  reasons: string[];
  subject: string | null;
}

export interface NominationSummary {
  key: string;
  status: string | null;
  hits: number;
  firstSeen: string | null;
  lastSeen: string | null;
  classes: string[];
  reasons: string[];
  ips: string[];
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);
const at = (o: unknown, path: string): unknown => path.split('.').reduce<unknown>((cur, k) => (cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined), o);

function toLine(id: string, s: EsDoc): EvidenceLine {
  return {
    id,
    time: str(at(s, '@timestamp')) ?? '',
    dataset: str(at(s, 'event.dataset')),
    sourceIp: str(at(s, 'source.ip')),
    class: str(at(s, 'spamtrap.verdict.class')),
    helo: str(at(s, 'spamtrap.smtp.helo')),
    rdns: str(at(s, 'source.domain')) ?? str(at(s, 'spamtrap.relay.rdns')),
    reasons: [...strs(at(s, 'spamtrap.verdict.reasons')), ...strs(at(s, 'spamtrap.smtp.anomalies'))],
    subject: str(at(s, 'email.subject')),
  };
}

function toNomination(s: EsDoc): NominationSummary {
  const n = at(s, 'spamtrap.nomination');
  return {
    key: str(at(n, 'key')) ?? '',
    status: str(at(n, 'status')),
    hits: typeof at(n, 'hits') === 'number' ? (at(n, 'hits') as number) : 0,
    firstSeen: str(at(n, 'first_seen')),
    lastSeen: str(at(n, 'last_seen')),
    classes: strs(at(n, 'classes')),
    reasons: strs(at(n, 'reasons')),
    ips: strs(at(n, 'ips')),
  };
}

/** Printable: control characters and newlines from spammer-written text cannot break the layout. */
function clean(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, ' ');
}

export function renderText(ip: string, key: string, nom: NominationSummary | null, total: number, lines: EvidenceLine[]): string {
  const out: string[] = [];
  if (nom === null) out.push(`${ip}: no nomination${key !== ip ? ` for ${key}` : ''}`);
  else {
    out.push(`${ip}: nomination ${nom.key}  status ${nom.status ?? '-'}  hits ${nom.hits}`);
    out.push(`  first seen ${nom.firstSeen ?? '-'}  last seen ${nom.lastSeen ?? '-'}`);
    out.push(`  classes: ${nom.classes.join(', ') || '-'}`);
    out.push(`  reasons: ${nom.reasons.join(', ') || '-'}`);
    if (nom.ips.length > 1 || (nom.ips[0] !== undefined && nom.ips[0] !== ip)) out.push(`  addresses: ${nom.ips.join(', ')}`);
  }
  out.push(total === 0 ? 'no evidence' : `evidence (newest first, ${lines.length} of ${total}):`);
  for (const l of lines) {
    const parts = [
      l.time,
      l.class ?? (l.dataset === 'spamtrap.session' ? 'session' : '-'),
      ...(key !== ip ? [`ip ${l.sourceIp ?? '-'}`] : []),
      `helo ${l.helo ?? '-'}`,
      `rdns ${l.rdns ?? '-'}`,
      `reasons ${l.reasons.join(',') || '-'}`,
      `subject ${l.subject !== null ? JSON.stringify(l.subject.length > 120 ? l.subject.slice(0, 120) + '…' : l.subject) : '-'}`,
      l.id,
    ];
    out.push('  ' + clean(parts.join('  ')));
  }
  return out.join('\n') + '\n';
}

export const command: CommandSpec = {
  summary: 'show the nomination and recent evidence Elasticsearch holds for an IP',
  usage: USAGE,
  async run(argv: string[], io: CommandIo): Promise<number> {
    let parsed;
    try {
      parsed = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, related: { type: 'boolean' }, limit: { type: 'string' }, es: { type: 'string' }, prefix: { type: 'string' } } });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    if (parsed.positionals.length !== 1) throw new UsageError('expected exactly one IP address');
    const input = parsed.positionals[0]!;
    const ip = parseIp(input);
    const key = ip === null ? null : nominationKey(ip);
    if (ip === null || key === null) throw new UsageError(`${JSON.stringify(input.slice(0, 60))} is not an IP address`);
    const limitRaw = parsed.values.limit ?? '20';
    if (!/^\d+$/.test(limitRaw) || Number(limitRaw) < 1 || Number(limitRaw) > MAX_LIMIT) throw new UsageError(`--limit expects 1..${MAX_LIMIT}`);
    const prefix = parsed.values.prefix ?? io.env['ES_INDEX_PREFIX'] ?? DEFAULT_INDEX_PREFIX;
    const problem = checkIndexPrefix(prefix);
    if (problem !== null) throw new UsageError(`--prefix ${JSON.stringify(prefix)}: ${problem}`);
    const names = indexNames(prefix);
    const cfg = esConfigSchema.load(parsed.values.es !== undefined ? { ...io.env, ES_NODE: parsed.values.es } : io.env);
    const store = createEsStore(cfg);
    try {
      const nomDoc = await store.get(names.nominations, key).catch((err: unknown) => {
        // A missing nominations index is "no nomination", not an error.
        if (err instanceof EsRequestError && err.status === 404) return { found: false as const, source: undefined };
        throw err;
      });
      const nom = nomDoc.found && nomDoc.source ? toNomination(nomDoc.source) : null;
      const res = await store.search(names.evidencePattern, {
        size: Number(limitRaw),
        track_total_hits: true,
        query: {
          bool: {
            should: [{ term: { 'source.ip': ip } }, { term: { 'spamtrap.nomination.key': key } }, ...(parsed.values.related ? [{ term: { 'related.ip': ip } }] : [])],
            minimum_should_match: 1,
          },
        },
        sort: [{ '@timestamp': { order: 'desc' } }],
        _source: { includes: EVIDENCE_FIELDS },
      });
      const lines = res.hits.map((h) => toLine(h.id, h.source));
      if (parsed.values.json) io.stdout.write(JSON.stringify({ ip, key, nomination: nom, total: res.total, evidence: lines }) + '\n');
      else io.stdout.write(renderText(ip, key, nom, res.total, lines));
      return 0;
    } catch (err) {
      if (err instanceof EsUnavailableError || err instanceof EsRequestError) {
        io.stderr.write(`spamtrap evidence: ${cfg.node}: ${err.message}\n`);
        return 1;
      }
      throw err;
    } finally {
      await store.close();
    }
  },
};
