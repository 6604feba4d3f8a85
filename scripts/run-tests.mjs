#!/usr/bin/env node
// Runs the test suites with node's test runner (via tsx) and ends with one "N passed, N failed" line.
//   unit         libs/*/test and services/*/test files named *.test.ts (no servers needed)
//   integration  files named *.integration.test.ts anywhere, and everything under test/ (real Kafka, ES, Redis, SMTP)
//   all          unit, then integration
// Extra arguments narrow the run to files whose path contains one of them.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';

const root = new URL('..', import.meta.url).pathname;
const [mode = 'all', ...filters] = process.argv.slice(2);

function walk(dir, out = []) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const e of entries) {
    if (e === 'node_modules' || e.startsWith('.')) continue;
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

const files = [...walk(join(root, 'libs')), ...walk(join(root, 'services')), ...walk(join(root, 'test'))].sort();
const isIntegration = (f) => f.endsWith('.integration.test.ts') || f.startsWith('test/');
const pick = (pred) => files.filter(pred).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));

const suites = [];
if (mode === 'unit' || mode === 'all') suites.push(['unit', pick((f) => !isIntegration(f)), 2]);
if (mode === 'integration' || mode === 'all') suites.push(['integration', pick(isIntegration), 1]);
if (suites.length === 0) {
  console.error(`run-tests: unknown mode "${mode}" (unit, integration or all)`);
  process.exit(2);
}

let passed = 0;
let failed = 0;
let skipped = 0;
let status = 0;
for (const [name, list, concurrency] of suites) {
  if (list.length === 0) {
    console.log(`\n== ${name}: no test files`);
    continue;
  }
  console.log(`\n== ${name}: ${list.length} files`);
  const tap = join(tmpdir(), `spamtrap-tests-${process.pid}-${name}.tap`);
  const r = spawnSync(
    process.execPath,
    [
      '--import', 'tsx',
      '--test',
      `--test-concurrency=${concurrency}`,
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=tap', `--test-reporter-destination=${tap}`,
      ...list,
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
  );
  let text = '';
  try {
    text = readFileSync(tap, 'utf8');
    rmSync(tap);
  } catch {
    /* runner died before writing */
  }
  const num = (k) => Number((text.match(new RegExp(`^# ${k} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
  passed += num('pass');
  failed += num('fail') + num('cancelled');
  skipped += num('skipped') + num('todo');
  if (r.status !== 0) {
    status = 1;
    if (num('fail') + num('cancelled') === 0) failed += 1; // the runner itself failed
  }
}
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(status);
