// The environment each pipeline process gets: stack addresses, shared trap settings, and per-service defaults.
import type { ServiceName } from './supervisor.js';

export interface PipelineProfile {
  /** KAFKA_BROKERS, ES_NODE, REDIS_URL of the running stack. */
  stackEnv: Record<string, string>;
  /** The user's environment: anything set there wins over the defaults below. */
  userEnv: Record<string, string | undefined>;
  /** Demo mode: sample trap domain, PROXY trusted from loopback, the demo DNS zone. */
  demo: boolean;
  demoDnsPort: number;
}

/** Default port of the demo DNS zone (the enricher of `spamtrap pipeline up --demo` asks it). */
export const DEMO_DNS_PORT = 5353;

export const DEMO_DEFAULTS = {
  trapDomains: 'trap.spamtrap.test',
  ourHosts: 'mx1.trap.spamtrap.test',
  sinkListen: '127.0.0.1:2525',
};

/** Environment for one service: user env > service defaults > shared settings > stack addresses. */
export function serviceEnv(service: ServiceName | 'demo-dns', p: PipelineProfile): Record<string, string> {
  const user = p.userEnv;
  const traps = user['SPAMTRAP_TRAP_DOMAINS'] ?? (p.demo ? DEMO_DEFAULTS.trapDomains : undefined);
  const shared: Record<string, string> = { ...p.stackEnv, KAFKAJS_NO_PARTITIONER_WARNING: '1' };
  if (traps !== undefined) shared['SPAMTRAP_TRAP_DOMAINS'] = traps;
  const defaults: Record<string, string> = {};
  switch (service) {
    case 'smtp-sink':
      if (traps !== undefined) defaults['SINK_TRAP_DOMAINS'] = traps;
      if (p.demo) {
        defaults['SINK_LISTEN'] = DEMO_DEFAULTS.sinkListen;
        // The demo feeder claims each sample's peer address with a PROXY v1 header from loopback.
        defaults['SINK_PROXY_FROM'] = '127.0.0.1';
        defaults['SINK_HOSTNAME'] = DEMO_DEFAULTS.ourHosts;
      }
      break;
    case 'enricher':
      if (traps !== undefined) defaults['ENRICHER_TRAP_DOMAINS'] = traps;
      if (p.demo) {
        defaults['ENRICHER_OUR_HOSTS'] = DEMO_DEFAULTS.ourHosts;
        defaults['ENRICHER_DNS_SERVERS'] = `127.0.0.1:${p.demoDnsPort}`;
      }
      break;
    case 'demo-dns':
      defaults['DEMO_DNS_PORT'] = String(p.demoDnsPort);
      break;
    default:
      break;
  }
  const out: Record<string, string> = { ...shared, ...defaults };
  for (const [k, v] of Object.entries(user)) if (v !== undefined && k in out) out[k] = v;
  return out;
}
