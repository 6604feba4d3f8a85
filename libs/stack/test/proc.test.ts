// Process identity and stopping by recorded pid: start-time checks, SIGTERM, and SIGKILL after the bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive, parseProcStat, procStat, spawnDetached, stopPid } from '../src/proc.js';

test('parseProcStat counts fields after the last ")" (command names may hold spaces and parens)', () => {
  const tail = 'S 1 2 3 0 -1 4194560 10 0 0 0 5 6 0 0 20 0 7 0 987654 1000 200';
  assert.deepEqual(parseProcStat(`42 (java) ${tail}`), { state: 'S', startTicks: 987654 });
  assert.deepEqual(parseProcStat(`42 (a) b (c)) ${tail}`), { state: 'S', startTicks: 987654 });
  assert.equal(parseProcStat('garbage'), null);
  assert.equal(parseProcStat('1 (x) S 1 2'), null);
});

test('our own process is alive with its start time and not with another', async () => {
  const st = await procStat(process.pid);
  assert.ok(st !== null);
  assert.ok(await isAlive(process.pid, st.startTicks));
  assert.equal(await isAlive(process.pid, st.startTicks + 1), false, 'a reused pid must not count as ours');
  assert.equal(await isAlive(2 ** 22 + 17), false);
});

test('stopPid stops a process with SIGTERM and reports a gone one as not running', async () => {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  const pid = child.pid!;
  const ticks = (await procStat(pid))!.startTicks;
  assert.equal(await stopPid(pid, ticks + 1, 1000), 'not running', 'wrong start time: must not signal');
  assert.ok(await isAlive(pid, ticks));
  assert.equal(await stopPid(pid, ticks, 5000), 'stopped');
  assert.equal(await isAlive(pid, ticks), false);
  assert.equal(await stopPid(pid, ticks, 1000), 'not running');
});

test('stopPid escalates to SIGKILL when SIGTERM is ignored', async () => {
  const child = spawn('sh', ['-c', 'trap "" TERM; exec sleep 30'], { stdio: 'ignore' });
  const pid = child.pid!;
  await new Promise((r) => setTimeout(r, 200)); // let the trap be installed before exec
  const ticks = (await procStat(pid))!.startTicks;
  const t0 = Date.now();
  assert.equal(await stopPid(pid, ticks, 500), 'killed');
  assert.ok(Date.now() - t0 >= 500);
  assert.equal(await isAlive(pid, ticks), false);
});

test('spawnDetached puts the child in its own process group and its output in the log (old log kept as .1)', async () => {
  // The children are unref'd (so a CLI can exit); keep the loop alive while this test awaits them.
  const keepAlive = setInterval(() => undefined, 1000);
  const dir = mkdtempSync(join(tmpdir(), 'stack-proc-'));
  try {
    const log = join(dir, 'logs', 'x.log');
    const first = spawnDetached('sh', ['-c', 'echo first; echo oops >&2'], { logPath: log, env: process.env, cwd: dir });
    assert.equal(await first.exited, 0);
    const p = spawnDetached('sh', ['-c', 'echo second; exit 3'], { logPath: log, env: process.env, cwd: dir });
    assert.equal(await p.exited, 3);
    assert.equal(readFileSync(log, 'utf8'), 'second\n');
    assert.equal(readFileSync(`${log}.1`, 'utf8'), 'first\noops\n');
    const g = spawnDetached('sleep', ['30'], { logPath: log, env: process.env, cwd: dir });
    const stat = readFileSync(`/proc/${g.pid}/stat`, 'utf8');
    const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    assert.equal(pgrp, g.pid, 'own process group');
    assert.equal(await stopPid(g.pid, (await procStat(g.pid))!.startTicks, 5000), 'stopped');
  } finally {
    clearInterval(keepAlive);
    rmSync(dir, { recursive: true, force: true });
  }
});
