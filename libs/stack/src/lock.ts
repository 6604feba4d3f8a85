// A cross-process lock file in the stack home so two `stack` commands never start the same thing twice.
import { mkdirSync, openSync, closeSync, writeSync, readFileSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { StackError } from './errors.js';
import { isAlive, sleep } from './proc.js';

/** How long a second command waits for the first: longer than a cold `up` (downloads + ES start). */
const LOCK_WAIT_MS = 10 * 60_000;

/** Takes `path` (O_EXCL create holding our pid), clearing it when its holder is dead; returns the release function. */
export async function acquireLock(path: string, onWait: (holder: number) => void = () => undefined): Promise<() => void> {
  mkdirSync(dirname(path), { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  let told = false;
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          unlinkSync(path);
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder = NaN;
    try {
      holder = Number(readFileSync(path, 'utf8').trim());
    } catch {
      continue; // released between our open and read
    }
    if (!Number.isSafeInteger(holder) || holder <= 0 || !(await isAlive(holder))) {
      // A crashed holder: remove its lock. Reading right before removing narrows (not closes) the race; both racers then retry O_EXCL.
      try {
        unlinkSync(path);
      } catch {
        /* someone else did */
      }
      continue;
    }
    if (holder === process.pid) throw new StackError(`lock ${path} is already held by this process`);
    if (!told) {
      onWait(holder);
      told = true;
    }
    if (Date.now() > deadline) throw new StackError(`another stack command (pid ${holder}) holds ${path}; wait for it or stop it`);
    await sleep(250);
  }
}
