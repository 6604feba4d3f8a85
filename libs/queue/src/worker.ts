// createProbeWorker: a BullMQ Worker that validates each job against the ProbeJob contract before the handler runs.
import { UnrecoverableError, Worker } from 'bullmq';
import { queueConfigSchema, type QueueConfig } from './config.js';
import { workerConnection } from './connection.js';
import { InvalidProbeJobError } from './errors.js';
import type { ProbeHandler, ProbeJob } from './types.js';
import { checkProbeJob } from './validate.js';

export interface ProbeWorkerOptions {
  /** Jobs handled at once by this process (default 1: probes open outbound connections). */
  concurrency?: number;
  /** Called when a job fails (after the handler threw); for logging. */
  onFailed?: (jobId: string | undefined, err: Error) => void;
}

export interface ProbeWorker {
  close(): Promise<void>;
}

/**
 * Runs `handler` for each probe job. A job whose data breaks the contract fails at once without
 * retries (UnrecoverableError); a handler that throws is retried per the job's attempts/backoff.
 */
export async function createProbeWorker(handler: ProbeHandler, cfg: QueueConfig = queueConfigSchema.load(), opts: ProbeWorkerOptions = {}): Promise<ProbeWorker> {
  const connection = workerConnection(cfg.redisUrl);
  connection.on('error', () => undefined);
  const worker = new Worker<ProbeJob, unknown, string>(
    cfg.queueName,
    async (job) => {
      let data: ProbeJob;
      try {
        data = checkProbeJob(job.data);
      } catch (err) {
        throw new UnrecoverableError(err instanceof InvalidProbeJobError ? err.message : String(err));
      }
      return handler(data, { id: job.id ?? '', attemptsMade: job.attemptsMade });
    },
    { connection, prefix: cfg.prefix, concurrency: opts.concurrency ?? 1, autorun: true },
  );
  worker.on('error', () => undefined);
  if (opts.onFailed) {
    const onFailed = opts.onFailed;
    worker.on('failed', (job, err) => onFailed(job?.id, err));
  }
  await worker.waitUntilReady();
  return {
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}
