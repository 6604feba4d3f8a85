// Summarises a V8 .cpuprofile (node --cpu-prof): self time by function and by package/file, busy time only.
//
//   npx tsx bench/smtp/cpuprofile-top.ts FILE.cpuprofile [--top 30]
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv[2];
if (file === undefined) throw new Error('usage: cpuprofile-top.ts FILE.cpuprofile [--top N]');
const ti = process.argv.indexOf('--top');
const TOP = ti >= 0 ? Number(process.argv[ti + 1]) : 30;
const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));

/** Where a frame belongs: an npm package, our workspace path, node internals, or a V8 pseudo-frame. */
function owner(url: string, fn: string): string {
  if (url === '') return `(${fn || 'native'})`;
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return url;
  const m = /\/work\/main\/(.*)$/.exec(url);
  return m ? m[1]! : url;
}

let total = 0;
let idle = 0;
const fnTime = new Map<string, number>();
const ownerTime = new Map<string, number>();
for (const [id, t] of self) {
  const n = byId.get(id)!;
  const { functionName: fn, url, lineNumber } = n.callFrame;
  total += t;
  if (fn === '(idle)' || fn === '(program)') {
    if (fn === '(idle)') idle += t;
  }
  if (fn === '(idle)') continue;
  const o = owner(url, fn);
  const key = `${fn || '(anonymous)'} ${o}:${lineNumber + 1}`;
  fnTime.set(key, (fnTime.get(key) ?? 0) + t);
  ownerTime.set(o, (ownerTime.get(o) ?? 0) + t);
}
const busy = total - idle;
const pct = (t: number): string => `${((t / busy) * 100).toFixed(1).padStart(5)}%`;
process.stdout.write(`profile ${(total / 1e6).toFixed(2)} s, busy ${(busy / 1e6).toFixed(2)} s (${((busy / total) * 100).toFixed(0)}%)\n\nby owner (self time, % of busy):\n`);
for (const [o, t] of [...ownerTime].sort((a, b) => b[1] - a[1]).slice(0, TOP)) process.stdout.write(`${pct(t)}  ${o}\n`);
process.stdout.write('\nby function:\n');
for (const [f, t] of [...fnTime].sort((a, b) => b[1] - a[1]).slice(0, TOP)) process.stdout.write(`${pct(t)}  ${f}\n`);

// --callers NAME: for a function name, the self time it spends broken down by caller chain (3 frames up).
const ci = process.argv.indexOf('--callers');
if (ci >= 0) {
  const name = process.argv[ci + 1]!;
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const chains = new Map<string, number>();
  for (const [id, t] of self) {
    const n = byId.get(id)!;
    if (n.callFrame.functionName !== name) continue;
    const chain: string[] = [];
    let cur = parent.get(id);
    for (let d = 0; d < 4 && cur !== undefined; d++, cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      chain.push(`${f.functionName || '(anon)'}@${owner(f.url, f.functionName)}:${f.lineNumber + 1}`);
    }
    const k = chain.join(' < ');
    chains.set(k, (chains.get(k) ?? 0) + t);
  }
  process.stdout.write(`\ncallers of ${name}:\n`);
  for (const [k, t] of [...chains].sort((a, b) => b[1] - a[1]).slice(0, 12)) process.stdout.write(`${pct(t)}  ${k}\n`);
}

// --stack-share A,B,...: share of busy time whose stack holds a frame owned by each pattern (first match wins,
// in the order given), e.g. `kafkajs|libs/kafka,smtp-server,services/smtp-sink`; the rest is Node/V8 itself.
const si = process.argv.indexOf('--stack-share');
if (si >= 0) {
  const pats = process.argv[si + 1]!.split(',').map((s) => new RegExp(s));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const share = new Array<number>(pats.length + 1).fill(0);
  for (const [id, t] of self) {
    const f0 = byId.get(id)!.callFrame;
    if (f0.functionName === '(idle)') continue;
    const owners: string[] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      owners.push(owner(f.url, f.functionName));
    }
    // The innermost matching frame decides: a socket write called from kafkajs counts as Kafka.
    let k = pats.length;
    outer: for (const o of owners) for (let i = 0; i < pats.length; i++) if (pats[i]!.test(o)) { k = i; break outer; }
    share[k]! += t;
  }
  process.stdout.write('\nshare by innermost owner on the stack:\n');
  pats.forEach((re, i) => process.stdout.write(`${pct(share[i]!)}  ${re.source}\n`));
  process.stdout.write(`${pct(share[pats.length]!)}  (none of these: GC, event loop, node internals called from the loop)\n`);
}
