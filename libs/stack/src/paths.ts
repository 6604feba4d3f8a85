// Where everything lives under the stack home: download cache, per-component data, logs, state.
import { join } from 'node:path';
import type { StackConfig } from './config.js';

export interface StackPaths {
  home: string;
  /** Downloads kept across `reset`: Kafka jars, the Elasticsearch zip. */
  cache: string;
  state: string;
  lock: string;
  logs: string;
  kafkaDir: string;
  kafkaData: string;
  kafkaLibs: string;
  esDir: string;
  esHome: string;
  esData: string;
  esLogs: string;
  esRun: string;
  esZip: string;
  redisData: string;
}

export function stackPaths(cfg: Pick<StackConfig, 'home' | 'kafkaVersion' | 'esVersion'>): StackPaths {
  const h = cfg.home;
  const cache = join(h, 'cache');
  const esDir = join(h, 'elasticsearch');
  return {
    home: h,
    cache,
    state: join(h, 'state.json'),
    lock: join(h, '.lock'),
    logs: join(h, 'logs'),
    kafkaDir: join(h, 'kafka'),
    kafkaData: join(h, 'kafka', 'data'),
    kafkaLibs: join(cache, `kafka-${cfg.kafkaVersion}`, 'libs'),
    esDir,
    esHome: join(esDir, `elasticsearch-${cfg.esVersion}`),
    esData: join(esDir, 'data'),
    esLogs: join(h, 'logs', 'elasticsearch'),
    esRun: join(esDir, 'run'),
    esZip: join(cache, `elasticsearch-${cfg.esVersion}.zip`),
    redisData: join(h, 'redis', 'data'),
  };
}
