// What the sink's parts share at run time: config, publisher, metrics, limits, live connections.
import type { Logger } from '@spamtrap/logging';
import type { RecordPublisher } from '@spamtrap/kafka';
import type { SinkConfig } from './config.js';
import type { InflightBudget, PerIpCounter } from './limits.js';
import type { SinkMetrics } from './metrics.js';
import type { RecipientPolicy } from './recipient-policy.js';
import type { ConnectionRecord } from './session-recorder.js';

/** The subset of the config the running sink reads. */
export type SinkSettings = Pick<
  SinkConfig,
  | 'listen'
  | 'tlsListen'
  | 'trapDomains'
  | 'trusted'
  | 'proxyFrom'
  | 'sinkId'
  | 'serverName'
  | 'tlsKeyFile'
  | 'tlsCertFile'
  | 'maxMessageBytes'
  | 'maxRecipients'
  | 'maxConnections'
  | 'maxConnectionsPerIp'
  | 'commandTimeoutMs'
  | 'dataTimeoutMs'
  | 'maxLineBytes'
  | 'pregreetMs'
  | 'earlyTalker'
  | 'maxInflightBytes'
  | 'sinkPublishTimeoutMs'
  | 'drainTimeoutMs'
  | 'metricsListen'
  | 'topicRaw'
  | 'topicSessions'
>;

export interface SinkContext {
  readonly config: SinkSettings;
  readonly publisher: RecordPublisher;
  readonly logger: Logger;
  readonly metrics: SinkMetrics;
  readonly budget: InflightBudget;
  readonly perIp: PerIpCounter;
  readonly policy: RecipientPolicy;
  /** Live connections by connection id (= smtp-server session id). */
  readonly records: Map<string, ConnectionRecord>;
  /** Set once stop() began: no new connections or transactions. */
  draining: boolean;
  /** DATA transfers and publishes in progress (shutdown waits for 0). */
  activeTransactions: number;
  /** Session-record publishes in progress (shutdown waits for them). */
  readonly pendingSessionPublishes: Set<Promise<void>>;
}

/** An Error that smtp-server turns into the reply `code message`. */
export function smtpError(code: number, message: string): Error & { responseCode: number } {
  const err = new Error(message) as Error & { responseCode: number };
  err.responseCode = code;
  return err;
}
