// Benchmark-only experiment: N sink processes (node:cluster) sharing one SMTP port, to see whether a second core helps.
//
//   PROFILE_SINK_MAIN=bench/smtp/cluster-sink.ts npx tsx bench/smtp/profile.ts --no-pin --env BENCH_WORKERS=2
//
// Not a product feature: measured on the 2-core dev box it made things worse (docs/smtp-sink.md, "Where the
// time goes"). Workers accept on the shared socket themselves (SCHED_NONE: with the default round-robin the
// primary accepts every connection and passes it over IPC, a per-connection cost at 1 msg/conn). Worker 0
// keeps SINK_METRICS_LISTEN (profile.ts reads the ack latency there); the others get port + 7 + i.
import cluster from 'node:cluster';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'services/smtp-sink/src/main.ts');
const workers = Number(process.env.BENCH_WORKERS ?? '2');
cluster.schedulingPolicy = cluster.SCHED_NONE;
cluster.setupPrimary({ exec: MAIN, execArgv: ['--import', 'tsx'] });
const metricsPort = Number((process.env.SINK_METRICS_LISTEN ?? '127.0.0.1:9325').split(':').pop());
for (let i = 0; i < workers; i++) cluster.fork(i === 0 ? {} : { SINK_METRICS_LISTEN: `127.0.0.1:${metricsPort + 7 + i}` });
process.on('SIGTERM', () => {
  for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
});
let exited = 0;
cluster.on('exit', () => {
  if (++exited === workers) process.exit(0);
});
