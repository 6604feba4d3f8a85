// Runs explain chunks on worker threads (each loads TypeScript through tsx) and yields results in input order.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ChunkRequest, ChunkResult } from './worker.js';

/** Files per chunk sent to a worker (500): large enough to amortise messaging, small enough to balance load. */
export const CHUNK_FILES = 500;
/** Below this many files (2,000) a single thread wins: starting a tsx worker costs ~0.3 s. */
export const PARALLEL_MIN_FILES = 2000;
/** Upper bound on workers (8) whatever --jobs says: explain is I/O- and parse-bound, more threads only add memory. */
export const MAX_JOBS = 8;

/**
 * Default worker count: 1 (no threads). Measured on the shared 2-core dev box under load, two tsx workers
 * were slower (each pays ~0.3 s CPU of tsx start-up and they compete with other work); `--jobs N` opts in.
 */
export function defaultJobs(): number {
  return 1;
}

/** The most workers that can usefully run here. */
export function maxUsefulJobs(): number {
  return Math.max(1, Math.min(availableParallelism(), MAX_JOBS));
}

function startWorker(): Worker {
  // A tiny ESM bootstrap: register tsx in the worker, then load worker.ts (workers do not inherit loader hooks).
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const target = new URL('./worker.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); });`;
  return new Worker(code, { eval: true });
}

/**
 * Explains `requests` on `jobs` workers and calls `emit` with each result in request order.
 * A worker error rejects (the caller reports it); workers are always terminated.
 */
export async function runPool(requests: ChunkRequest[], jobs: number, emit: (r: ChunkResult) => void): Promise<void> {
  const workers = Array.from({ length: Math.min(jobs, requests.length) }, () => startWorker());
  const done = new Map<number, ChunkResult>();
  let next = 0;
  let emitted = 0;
  try {
    await new Promise<void>((resolve, reject) => {
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
        feed(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
