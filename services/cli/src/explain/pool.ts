// Runs explain chunks on worker threads (from a cached bundle of worker.ts) and yields results in input order.
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
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

/**
 * Worker threads that take chunks as soon as they are submitted, so they can work while the main thread is still
 * listing files; results come back in submission order.
 */
export interface Pool {
  /** Queues the next chunk (ids 0, 1, 2, ... in order); an idle worker starts on it at once. */
  submit(req: ChunkRequest): void;
  /** Waits for every submitted chunk, calls `emit` with each in id order, then stops the workers. */
  finish(emit: (r: ChunkResult) => void): Promise<void>;
  /** Stops the workers (unused, or after a failure). */
  close(): Promise<void>;
}

/** The cached bundle of worker.ts (built when missing or stale), or null to run workers through tsx. */
export function workerBundle(): Promise<string | null> {
  return cachedBundle('explain-worker', fileURLToPath(workerEntry()));
}

/**
 * Starts `jobs` workers now, synchronously (so a caller busy listing files can start them mid-way). A worker error
 * or crash makes `finish` reject (the caller reports it); it never surfaces as an unhandled 'error' event.
 */
export function startPool(jobs: number, bundle: string | null): Pool {
  // Every core is about to run a worker, so V8's background compiler threads would only queue behind them and the
  // workers would run unoptimised code for longer: measured on the 2-core box, the first ~2,000 messages per worker
  // ran 3-5x slower than in steady state. Optimising on the worker's own thread cuts the 40k-message run by ~8%.
  // V8 reads this flag when an isolate is created, so it applies to the new workers only.
  setFlagsFromString('--no-concurrent-recompilation');
  const workers = Array.from({ length: jobs }, () => startWorker(bundle));
  const inFlight = new Map<Worker, number>(workers.map((w) => [w, 0]));
  const queue: (ChunkRequest | undefined)[] = [];
  let queued = 0; // index of the next queued chunk to hand out
  const done = new Map<number, ChunkResult>();
  let emitted = 0;
  let emit: ((r: ChunkResult) => void) | null = null;
  let settle: { resolve: () => void; reject: (e: Error) => void } | null = null;
  let failure: Error | null = null;
  let closing = false;

  const fail = (e: Error): void => {
    failure ??= e;
    settle?.reject(failure);
  };
  /** Hands out queued chunks round-robin, at most IN_FLIGHT_PER_WORKER per worker. */
  const pump = (): void => {
    for (let progress = true; progress && queued < queue.length; ) {
      progress = false;
      for (const w of workers) {
        const n = inFlight.get(w) as number;
        if (n >= IN_FLIGHT_PER_WORKER || queued >= queue.length) continue;
        w.postMessage(queue[queued]);
        queue[queued++] = undefined; // sent: let it be collected
        inFlight.set(w, n + 1);
        progress = true;
      }
    }
  };
  /** Emits finished chunks in order once finish() has given the callback. */
  const drain = (): void => {
    if (emit === null) return;
    while (done.has(emitted)) {
      emit(done.get(emitted) as ChunkResult);
      done.delete(emitted);
      emitted++;
    }
    if (settle !== null && emitted === queue.length) settle.resolve();
  };
  for (const w of workers) {
    w.on('message', (r: ChunkResult) => {
      inFlight.set(w, (inFlight.get(w) as number) - 1);
      done.set(r.id, r);
      pump();
      drain();
    });
    w.on('error', fail);
    w.on('exit', (code) => {
      if (!closing && code !== 0) fail(new Error(`explain worker exited with code ${code}`));
    });
  }
  const close = async (): Promise<void> => {
    closing = true;
    await Promise.all(workers.map((w) => w.terminate()));
  };
  return {
    close,
    submit(req) {
      queue.push(req);
      pump();
    },
    async finish(cb) {
      try {
        await new Promise<void>((resolve, reject) => {
          settle = { resolve, reject };
          if (failure !== null) return reject(failure);
          emit = cb;
          drain();
        });
      } finally {
        await close();
      }
    },
  };
}

