// Diagnostic nominator process for the e2e bench (--timed-nominator): the real service, with its ES, Redis and batch calls timed.
//
// Same start-up as services/nominator/src/main.ts (minus the Redis retry loop), but the EsStore
// and ProbeQueue it is given are wrapped so every call's wall time is summed per method, and the
// stage handler is wrapped to record batch sizes and durations. Totals go to BENCH_TIMINGS_FILE
// (JSON, rewritten every second) so the bench can take differences per load phase.
import { writeFileSync } from 'node:fs';
import { createEsStore, esConfigSchema } from '@spamtrap/es';
import { createKafka, type BatchHandler, type SpamtrapKafka } from '@spamtrap/kafka';
import { createLogger } from '@spamtrap/logging';
import { createBullProbeQueue, queueConfigSchema } from '@spamtrap/queue';
import { loadNominatorConfig, startNominator } from '@spamtrap/nominator';

export interface CallTotals {
  calls: number;
  ms: number;
  maxMs: number;
  /** Records handed to a batch handler (handler entries only). */
  records?: number;
}
export type Timings = Record<string, CallTotals>;

const totals: Timings = {};
function record(name: string, ms: number, records?: number): void {
  const t = (totals[name] ??= { calls: 0, ms: 0, maxMs: 0 });
  t.calls++;
  t.ms += ms;
  if (ms > t.maxMs) t.maxMs = ms;
  if (records !== undefined) t.records = (t.records ?? 0) + records;
}

/** Wraps every method of `target` so its wall time is added to `<label>.<method>`. */
function timed<T extends object>(label: string, target: T): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const v: unknown = Reflect.get(obj, prop, receiver);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        const t0 = performance.now();
        const r: unknown = (v as (...a: unknown[]) => unknown).apply(obj, args);
        if (r instanceof Promise) return r.finally(() => record(`${label}.${String(prop)}`, performance.now() - t0));
        record(`${label}.${String(prop)}`, performance.now() - t0);
        return r;
      };
    },
  });
}

const config = loadNominatorConfig();
const logger = createLogger('nominator', config.logLevel);
const store = timed('es', createEsStore(esConfigSchema.load()));
const queue = timed('redis', await createBullProbeQueue({ ...queueConfigSchema.load(), cooldownSeconds: config.probeCooldownSeconds }));
const real = createKafka(config, logger);
const kafka: SpamtrapKafka = {
  ...real,
  createStageConsumer(publisher, opts) {
    const inner: BatchHandler = opts.handler;
    const handler: BatchHandler = async (records) => {
      const t0 = performance.now();
      try {
        return await inner(records);
      } finally {
        record(`handler.${opts.topic}`, performance.now() - t0, records.length);
      }
    };
    return real.createStageConsumer(publisher, { ...opts, handler });
  },
};
const nominator = await startNominator(config, { kafka, store, queue, logger });
const file = process.env['BENCH_TIMINGS_FILE'];
const flush = (): void => {
  if (file) writeFileSync(file, JSON.stringify({ at: Date.now(), totals }));
};
setInterval(flush, 1000).unref();
const shutdown = (): void => {
  flush();
  void nominator
    .stop()
    .then(() => queue.close())
    .then(() => store.close())
    .finally(() => process.exit(0));
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
