// Renders explanations: one JSON line per message, or a table-and-text view an analyst can follow.
import type { Reason, ReceivedHop } from '@spamtrap/contracts';
import { hopRole, type Explanation } from './analyse.js';

/** Characters JSON.stringify would escape: quote, backslash, controls and lone-surrogate candidates. */
// eslint-disable-next-line no-control-regex -- the control range is exactly what JSON escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A JSON string literal; most values need no escaping, and a native regex test is cheaper than the general path. */
const str = (v: string | null | undefined): string =>
  v === null || v === undefined ? 'null' : NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : `"${v}"`;

/** A JSON string literal for text that cannot need escaping (checked by the hopJson unit test against JSON.stringify). */
const safe = (v: string | null | undefined): string => (v === null || v === undefined ? 'null' : `"${v}"`);

/**
 * One hop as JSON, keys in the contract's order. Written out by hand because it runs for every header of every
 * message and JSON.stringify of the whole record was ~10% of explain's time; strings still go through
 * JSON.stringify, so escaping is exactly the same (a unit test compares both forms).
 */
export function hopJson(h: ReceivedHop): string {
  let flags = '[';
  const f = h.flags ?? [];
  for (let i = 0; i < f.length; i++) flags += (i > 0 ? ',' : '') + JSON.stringify(f[i]);
  flags += ']';
  // kind, fromIp, byIp, date and mta come from the parser's own vocabulary (canonical IPs, ISO dates, fixed
  // names): never anything to escape, so they skip the check.
  return `{"kind":"${h.kind}","fromHelo":${str(h.fromHelo)},"fromRdns":${str(h.fromRdns)},"fromIp":${safe(h.fromIp)},"ident":${str(h.ident)},"by":${str(h.by)},"with":${str(h.with)},"auth":${h.auth},"tls":${h.tls},"id":${str(h.id)},"for":${str(h.for)},"date":${safe(h.date)},"mta":${safe(h.mta)},"note":${str(h.note)},"byIp":${safe(h.byIp)},"flags":${flags}}`;
}

/** The `--json` line for one message (keys: file, relay, hops, reasons, then boundary, relayDetail, claimedIps, counts, error). */
export function toJsonLine(e: Explanation): string {
  const w = e.walk;
  const relay = w?.relay ? { ip: w.relay.ip, helo: w.relay.helo, rdns: w.relay.rdns, by: w.relay.by, index: w.relay.index } : null;
  let hops = '[';
  const hs = w?.hops ?? [];
  for (let i = 0; i < hs.length; i++) hops += (i > 0 ? ',' : '') + hopJson(hs[i] as ReceivedHop);
  hops += ']';
  const reasons = e.inputReasons.length > 0 ? [...e.inputReasons, ...(w?.reasons ?? [])] : (w?.reasons ?? []);
  return `{"file":${JSON.stringify(e.file)},"relay":${JSON.stringify(relay)},"hops":${hops},"reasons":${JSON.stringify(reasons)},"boundary":${w?.boundary ?? -1},"relayDetail":${JSON.stringify(w?.relay ? { source: w.relay.source, auth: w.relay.auth, tls: w.relay.tls } : null)},"claimedIps":${JSON.stringify(w?.claimedIps ?? [])},"counts":${JSON.stringify(w?.counts ?? null)},"error":${str(e.error)}}`;
}

const dash = (s: string | null | undefined, max = 40): string => {
  if (s === null || s === undefined || s === '') return '-';
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
};

function table(rows: string[][]): string[] {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
}

export function reasonText(r: Reason): string {
  const where = r.hop !== undefined ? ` (hop ${r.hop})` : '';
  const detail = r.detail ? ' ' + Object.entries(r.detail).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`).join(' ') : '';
  return `${r.code}${where}${detail}`;
}

/** Human-readable view of one message; a later verdict section plugs in as extra lines after `reasons`. */
export function toText(e: Explanation, extraSections: string[][] = []): string {
  const lines: string[] = [`== ${e.file}`];
  if (!e.walk) {
    lines.push(`  not analysed: ${e.error ?? 'unknown error'}`);
    for (const r of e.inputReasons) lines.push(`  - ${reasonText(r)}`);
    return lines.join('\n') + '\n';
  }
  const w = e.walk;
  const rows: string[][] = [['#', 'role', 'kind', 'from-ip', 'helo', 'rdns', 'by', 'with', 'auth', 'tls', 'date', 'mta/note']];
  w.hops.forEach((h, i) => {
    rows.push([
      String(i), hopRole(w, i, h), h.kind, dash(h.fromIp), dash(h.fromHelo, 32), dash(h.fromRdns, 32), dash(h.by, 36), dash(h.with, 14),
      h.auth ? 'yes' : '-', h.tls ? 'yes' : '-', dash(h.date), dash(h.kind === 'relay' ? h.mta : h.note, 36),
    ]);
  });
  if (w.hops.length > 0) for (const l of table(rows)) lines.push('  ' + l);
  else lines.push('  (no Received headers)');
  const b = w.boundary >= 0 ? `hop ${w.boundary} (by ${dash(w.hops[w.boundary]?.by)}): the lowest header written by a trusted host` : 'none: no header was written by a trusted host';
  lines.push(`  boundary: ${b}`);
  if (w.relay) {
    const src = w.relay.source === 'session' ? 'from the SMTP session' : `from hop ${w.relay.index}`;
    lines.push(`  relaying hop: ${w.relay.ip} helo=${dash(w.relay.helo)} rdns=${dash(w.relay.rdns)} by=${dash(w.relay.by)} (${src}${w.relay.auth ? ', authenticated' : ''}${w.relay.tls ? ', TLS' : ''})`);
  } else lines.push('  relaying hop: none established');
  if (w.claimedIps.length > 0) lines.push(`  claimed upstream IPs (never nominated): ${w.claimedIps.join(', ')}`);
  const reasons = [...e.inputReasons, ...w.reasons];
  lines.push(`  reasons: ${reasons.length === 0 ? 'none' : ''}`);
  for (const r of reasons) lines.push(`    - ${reasonText(r)}`);
  for (const sec of extraSections) for (const l of sec) lines.push('  ' + l);
  return lines.join('\n') + '\n';
}
