// Accuracy check over a real corpus: walks every message with the trust list of its source and prints what to review.
// usage: node --import tsx bench/received/check-corpus.ts [CORPUS_DIR] [--all]
// CORPUS_DIR defaults to ../shared/corpus (relative to the repo); nothing from it is committed.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileTrustList, extractHeaders, walkHops, type TrustList } from '@spamtrap/received';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const showAll = args.includes('--all');
const dir = args.find((a) => !a.startsWith('--')) ?? join(here, '../../../shared/corpus');

const load = (name: string): TrustList =>
  compileTrustList(readFileSync(join(here, name), 'utf8').split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean));
const lists = {
  microsoft: load('trust-pp-microsoft.txt'),
  google: load('trust-pp-google.txt'),
  proton: load('trust-pp-proton.txt'),
  sa: load('trust-sa.txt'),
};

/** Picks the trust list by source: SpamAssassin files by prefix; phishing_pot by which provider's MX is in the chain. */
function listFor(file: string, received: string[]): [string, TrustList] {
  if (file.startsWith('sa')) return ['sa', lists.sa];
  // The provider whose receiver appears highest in the chain received the message.
  for (const v of received) {
    if (/\bby mx\.google\.com\b/i.test(v)) return ['google', lists.google];
    if (/\bby mailin\S*\.protonmail\.ch\b/i.test(v)) return ['proton', lists.proton];
    if (/\bby \S+\.(?:outlook|office365)\.com\b/i.test(v)) return ['microsoft', lists.microsoft];
  }
  return ['microsoft', lists.microsoft];
}

const files = readdirSync(dir).filter((f) => f.endsWith('.eml')).sort();
const tally = new Map<string, number>();
const bump = (k: string): void => void tally.set(k, (tally.get(k) ?? 0) + 1);
for (const f of files) {
  const h = extractHeaders(readFileSync(join(dir, f)));
  const [src, trusted] = listFor(f, h.received);
  const w = walkHops(h.received, { trusted, truncated: h.truncated });
  bump(`source ${src}`);
  const codes = w.reasons.map((r) => r.code);
  const flagged = !w.relay || codes.includes('RELAY_IP_SPECIAL') || codes.includes('UNPARSED_ABOVE_BOUNDARY');
  bump(w.relay ? (codes.includes('RELAY_IP_SPECIAL') ? 'relay special-purpose IP' : 'relay public IP') : `no relay (${codes.find((c) => c === 'NO_TRUSTED_HEADER' || c === 'ALL_TRUSTED' || c === 'NO_RECEIVED_HEADERS') ?? 'other'})`);
  if (codes.includes('UNPARSED_ABOVE_BOUNDARY')) bump('unparsed above boundary');
  const r = w.relay;
  console.log([f, src, w.boundary, r?.ip ?? '-', r?.helo ?? '-', r?.rdns ?? '-', r?.by ?? '-', codes.join(',')].join('\t'));
  if (flagged || showAll) {
    w.hops.forEach((hop, i) => {
      const mark = i === w.boundary ? '>' : ' ';
      console.log(`   ${mark}${i} ${hop.kind} ip=${hop.fromIp} helo=${hop.fromHelo} rdns=${hop.fromRdns} by=${hop.by} ${hop.note ?? ''} | ${(h.received[i] ?? '').slice(0, 160)}`);
    });
  }
}
console.log('\nsummary');
for (const [k, v] of [...tally.entries()].sort()) console.log(`  ${k.padEnd(40)} ${v}`);
console.log(`  ${'messages'.padEnd(40)} ${files.length}`);
