#!/usr/bin/env node
// Runs benchmarks: `npm run bench -- <name> [args]` runs bench/<name>/run.ts; with no name, every bench in turn.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const benchDir = join(root, 'bench');
const [name, ...rest] = process.argv.slice(2);
const all = existsSync(benchDir) ? readdirSync(benchDir).filter((d) => existsSync(join(benchDir, d, 'run.ts'))).sort() : [];
const names = name === undefined ? all : [name];
if (names.length === 0) {
  console.error('run-bench: no benchmarks found under bench/');
  process.exit(2);
}
let status = 0;
for (const n of names) {
  const script = join(benchDir, n, 'run.ts');
  if (!existsSync(script)) {
    console.error(`run-bench: no benchmark "${n}" (expected ${script}); available: ${all.join(', ') || 'none'}`);
    process.exit(2);
  }
  console.log(`\n== bench ${n}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...(name === undefined ? [] : rest)], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) status = r.status ?? 1;
}
process.exit(status);
