// The stack lock file: exclusive while held, taken over from a dead holder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLock } from '../src/lock.js';

test('a second taker waits until the first releases', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stack-lock-'));
  try {
    const path = join(dir, '.lock');
    const release = await acquireLock(path);
    // Simulate another live holder: our parent process (alive, not us).
    writeFileSync(path, String(process.ppid));
    let waitedFor = 0;
    let got = false;
    const second = acquireLock(path, (pid) => (waitedFor = pid)).then((r) => {
      got = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(got, false);
    assert.equal(waitedFor, process.ppid);
    release();
    (await second)();
    assert.equal(existsSync(path), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a lock left by a dead process is taken over', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stack-lock-'));
  try {
    const path = join(dir, '.lock');
    const dead = spawnSync('sh', ['-c', 'echo $$']).stdout.toString().trim();
    writeFileSync(path, dead);
    const release = await acquireLock(path);
    release();
    writeFileSync(path, 'not a pid');
    (await acquireLock(path))();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
