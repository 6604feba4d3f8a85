// Runs explain chunks on worker threads (from a cached bundle of worker.ts) and yields results in input order.
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { cachedBundle } from '@spamtrap/cli/bundle-cache';
import type { ChunkRequest, ChunkResult } from './worker.js';

/** Files per chunk sent to a worker (250): large enough to amortise messaging, small enough to balance the tail. */
export const CHUNK_FILES = 250;
/** Below this many files (2,000) a single thread wins: a worker's own start-up (~0.2 s CPU with tsx) would not pay off. */
export const PARALLEL_MIN_FILES = 2000;
/** Upper bound on workers (8) whatever --jobs says: explain is I/O- and parse-bound, more threads only add memory. */
export const MAX_JOBS = 8;
/** Default worker cap (4): past four, the main thread's ordered writes and the file reads stop scaling. */
const DEFAULT_MAX_JOBS = 4;
/** Chunks queued per worker (2): the next chunk is already there when one finishes, so no worker waits on the main thread. */
const IN_FLIGHT_PER_WORKER = 2;

/**
 * Default worker count: one per core, up to four. Measured on the 2-core dev box (`npm run bench -- received`):
 * two workers explain a 40,000-message run in ~60% of the single-thread wall time.
 */
export function defaultJobs(): number {
  return Math.min(maxUsefulJobs(), DEFAULT_MAX_JOBS);
}

/** The most workers that can usefully run here. */
export function maxUsefulJobs(): number {
  return Math.max(1, Math.min(availableParallelism(), MAX_JOBS));
}

/** Young generation per worker (64 MiB): explain allocates many short-lived strings; the small default spent ~16% in scavenges. */
const WORKER_YOUNG_GENERATION_MB = 64;

/**
 * Starts one worker on the cached bundle of worker.ts (plain JavaScript: no tsx loader per worker), or through
 * tsx when bundling is off or failed.
 */
function startWorker(bundle: string | null): Worker {
  const resourceLimits = { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB };
  if (bundle !== null) return new Worker(pathToFileURL(bundle), { resourceLimits });
  // A tiny ESM bootstrap: register tsx in the worker, then load worker.ts (workers do not inherit loader hooks).
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(workerEntry())}); });`;
  return new Worker(code, { eval: true, resourceLimits });
}

/**
 * worker.ts, found through the package's exports rather than import.meta.url, so it is the same file whether
 * this module runs from source or from a bundle elsewhere.
 */
function workerEntry(): string {
  return import.meta.resolve('@spamtrap/cli/explain-worker');
}

/** Worker threads started ahead of the work, so they boot while the main thread still lists the files. */
export interface Pool {
  /** Explains `requests` and calls `emit` with each result in request order; then the workers are gone. */
  run(requests: ChunkRequest[], emit: (r: ChunkResult) => void): Promise<void>;
  /** Stops the workers unused (the run turned out too small for threads). */
  close(): Promise<void>;
}

/** The cached bundle of worker.ts (built when missing or stale), or null to run workers through tsx. */
export function workerBundle(): Promise<string | null> {
  return cachedBundle('explain-worker', fileURLToPath(workerEntry()));
}

/**
 * Starts `jobs` workers now, synchronously (so a caller busy listing files can start them mid-way); a worker error
 * makes `run` reject (the caller reports it).
 */
export function startPool(jobs: number, bundle: string | null): Pool {
  const workers = Array.from({ length: jobs }, () => startWorker(bundle));
  // A worker that fails while booting (before run() listens) must not crash the process as an unhandled 'error'.
  let bootError: Error | null = null;
  for (const w of workers) w.once('error', (e: Error) => (bootError ??= e));
  const close = async (): Promise<void> => {
    await Promise.all(workers.map((w) => w.terminate()));
  };
  return {
    close,
    async run(requests, emit) {
      try {
        if (bootError !== null) throw bootError;
        await feedAll(workers.slice(0, Math.max(1, Math.min(workers.length, requests.length))), requests, emit);
      } finally {
        await close();
      }
    },
  };
}

/** Explains `requests` on `jobs` new workers (startPool + run). */
export async function runPool(requests: ChunkRequest[], jobs: number, emit: (r: ChunkResult) => void): Promise<void> {
  const pool = startPool(Math.min(jobs, requests.length), await workerBundle());
  await pool.run(requests, emit);
}

function feedAll(workers: Worker[], requests: ChunkRequest[], emit: (r: ChunkResult) => void): Promise<void> {
  const done = new Map<number, ChunkResult>();
  let next = 0;
  let emitted = 0;
  return new Promise<void>((resolve, reject) => {
    if (requests.length === 0) return resolve();
    const feed = (w: Worker): void => {
      const req = requests[next++];
      if (req) w.postMessage(req);
    };
    for (const w of workers) {
      w.on('message', (r: ChunkResult) => {
        done.set(r.id, r);
        while (done.has(emitted)) {
          emit(done.get(emitted) as ChunkResult);
          done.delete(emitted);
          emitted++;
        }
        if (emitted === requests.length) resolve();
        else feed(w);
      });
      w.on('error', reject);
      w.on('exit', (code) => {
        if (code !== 0 && emitted < requests.length) reject(new Error(`explain worker exited with code ${code}`));
      });
    }
    // Round-robin, so every worker has a chunk before any has two.
    for (let k = 0; k < IN_FLIGHT_PER_WORKER; k++) for (const w of workers) feed(w);
  });
}
