// Public surface of @spamtrap/stack: the local Kafka + Elasticsearch + Redis manager.
export { stackSchema, type StackConfig } from './config.js';
export { StackError } from './errors.js';
export { stackPaths, type StackPaths } from './paths.js';
export { COMPONENT_NAMES, isComponentName, type ComponentName, type ComponentRecord } from './state.js';
export {
  up,
  down,
  status,
  reset,
  startComponent,
  stopComponent,
  managedComponent,
  clientEnv,
  type UpResult,
  type DownResult,
  type StatusRow,
  type Failure,
  type Reporter,
} from './stack.js';
export { kafkaMetadata, esHealth, redisReady } from './probes.js';
export { isAlive, procStat, spawnDetached, stopPid } from './proc.js';
export { kafkaServerProperties } from './components/kafka.js';
