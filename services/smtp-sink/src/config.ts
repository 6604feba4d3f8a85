// The smtp-sink's one configuration schema: listeners, trap domains, trust, limits, topics, Kafka.
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import { bool, defineConfig, int, list, oneOf, str, type ConfigOf } from '@spamtrap/config';
import { kafkaSettings } from '@spamtrap/kafka';
import { DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_TOPICS, TOPIC_MAX_RECORD_BYTES } from '@spamtrap/contracts';
import { LOG_LEVELS } from '@spamtrap/logging';
import { trapPatternProblem } from './recipient-policy.js';
import { DEFAULTS } from './limits.js';

const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.\-:]*):\d{1,5}$/;
const HOST_PORT_DOC = 'host:port (port 0 = any free port)';

/** `host:port` or empty (off). */
const optionalHostPort = /^$|^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.\-:]*):\d{1,5}$|^\d{1,5}$/;

export const sinkSettings = {
  listen: str({ env: 'SINK_LISTEN', doc: 'SMTP listener (plain + STARTTLS), host:port', default: '127.0.0.1:2525', pattern: HOST_PORT, patternDoc: HOST_PORT_DOC }),
  tlsListen: str({
    env: 'SINK_TLS_PORT',
    doc: 'Implicit-TLS (SMTPS) listener: a port on the SINK_LISTEN host, or host:port; empty = off',
    default: '',
    pattern: optionalHostPort,
    patternDoc: 'a port, host:port, or empty',
  }),
  trapDomains: list({
    env: 'SINK_TRAP_DOMAINS',
    doc: 'Trap recipients: exact addresses (a@trap.example), whole domains (trap.example), subdomains (*.trap.example)',
    item: trapPatternProblem,
  }),
  trusted: list({ env: 'SINK_TRUSTED', doc: 'Trust list carried in every raw record for the hop walk: host patterns and CIDRs', default: [] }),
  proxyFrom: list({
    env: 'SINK_PROXY_FROM',
    doc: 'IPs of trusted fronts whose PROXY protocol v1 header is believed (every other peer that sends one is refused and recorded)',
    default: [],
    item: (s) => (isIP(s) !== 0 ? null : 'expected an IP address'),
  }),
  sinkId: str({ env: 'SINK_ID', doc: 'Name of this sink in every record', default: hostname() }),
  serverName: str({ env: 'SINK_HOSTNAME', doc: 'Host name in the greeting and EHLO reply', default: hostname() }),
  tlsKeyFile: str({ env: 'SINK_TLS_KEY', doc: 'PEM private key for STARTTLS/SMTPS; empty = a self-signed RSA 2048 certificate for SINK_HOSTNAME generated at start', default: '' }),
  tlsCertFile: str({ env: 'SINK_TLS_CERT', doc: 'PEM certificate chain for STARTTLS/SMTPS; empty = generated self-signed', default: '' }),
  maxMessageBytes: int({ env: 'SINK_MAX_MESSAGE_BYTES', doc: 'Largest message accepted; larger ones get 552', default: DEFAULT_MAX_MESSAGE_BYTES, min: 1024, max: 15 * 1024 * 1024 }),
  maxRecipients: int({ env: 'SINK_MAX_RECIPIENTS', doc: 'RCPT TO per message; more get 452', default: DEFAULTS.maxRecipients, min: 1, max: 10_000 }),
  maxConnections: int({ env: 'SINK_MAX_CONNECTIONS', doc: 'Open connections in total; more get 421', default: DEFAULTS.maxConnections, min: 1, max: 100_000 }),
  maxConnectionsPerIp: int({ env: 'SINK_MAX_CONNECTIONS_PER_IP', doc: 'Open connections per peer IP; more get 421', default: DEFAULTS.maxConnectionsPerIp, min: 1, max: 100_000 }),
  commandTimeoutMs: int({ env: 'SINK_COMMAND_TIMEOUT_MS', doc: 'Idle time allowed between client commands / data chunks (ms); then 421', default: DEFAULTS.commandTimeoutMs, min: 100, max: 3_600_000 }),
  dataTimeoutMs: int({ env: 'SINK_DATA_TIMEOUT_MS', doc: 'Total time allowed for one DATA transfer (ms); then 451 and close', default: DEFAULTS.dataTimeoutMs, min: 100, max: 3_600_000 }),
  maxLineBytes: int({ env: 'SINK_MAX_LINE_BYTES', doc: 'Longest command line; longer ones end the session with 421', default: DEFAULTS.maxLineBytes, min: 512, max: 1024 * 1024 }),
  pregreetMs: int({
    env: 'SINK_PREGREET_MS',
    doc: 'Silence the sink keeps before its 220 greeting to catch clients that talk first (0 = greet at once)',
    default: DEFAULTS.pregreetMs,
    min: 0,
    max: 30_000,
  }),
  earlyTalker: oneOf({
    env: 'SINK_EARLY_TALKER',
    doc: 'What happens to a client that talked before the greeting: continue (record, then run the session) or reject (554, close)',
    default: 'continue',
    values: ['continue', 'reject'] as const,
  }),
  maxInflightBytes: int({
    env: 'SINK_MAX_INFLIGHT_BYTES',
    doc: 'Message bytes held in memory (being received or awaiting the Kafka ack); over it new data gets 451 / new connections 421',
    default: DEFAULTS.maxInflightBytes,
    min: 1024 * 1024,
    max: 8 * 1024 * 1024 * 1024,
  }),
  sinkPublishTimeoutMs: int({ env: 'SINK_PUBLISH_TIMEOUT_MS', doc: 'Wait for the Kafka ack at most this long before answering 451 (ms)', default: DEFAULTS.publishTimeoutMs, min: 100, max: 300_000 }),
  publishLingerMs: int({
    env: 'SINK_PUBLISH_LINGER_MS',
    doc: 'Wait this long after a message ends to coalesce it with others into one Kafka produce request (ms); replaces KAFKA_PUBLISH_LINGER_MS for the sink',
    default: DEFAULTS.publishLingerMs,
    min: 0,
    max: 1000,
  }),
  drainTimeoutMs: int({ env: 'SINK_DRAIN_TIMEOUT_MS', doc: 'On SIGTERM, wait this long for transactions in flight (ms)', default: DEFAULTS.drainTimeoutMs, min: 0, max: 600_000 }),
  metricsListen: str({
    env: 'SINK_METRICS_LISTEN',
    // An empty variable reads as unset (the default) in @spamtrap/config, so "off" is the way to say off.
    doc: 'HTTP listener for /healthz, /readyz, /metrics, host:port; off = none',
    default: '127.0.0.1:9325',
    pattern: /^$|^off$|^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.\-:]*):\d{1,5}$/,
    patternDoc: 'host:port or off',
  }),
  topicRaw: str({ env: 'SINK_TOPIC_RAW', doc: 'Topic for accepted messages', default: DEFAULT_TOPICS.raw }),
  topicSessions: str({ env: 'SINK_TOPIC_SESSIONS', doc: 'Topic for session evidence without a message', default: DEFAULT_TOPICS.sessions }),
  ensureTopics: bool({ env: 'SINK_ENSURE_TOPICS', doc: 'Create the two topics at start when missing', default: true }),
  logLevel: oneOf({ env: 'SINK_LOG_LEVEL', doc: 'Log level', default: 'info', values: LOG_LEVELS }),
  ...kafkaSettings,
};

export type SinkConfig = ConfigOf<typeof sinkSettings>;

/** SINK_METRICS_LISTEN value that turns the health/metrics listener off ('' in code does too). */
export const METRICS_OFF = 'off';

/** Headroom in a raw record for the JSON facts header and record framing (recipients are bounded). */
const FACTS_HEADROOM_BYTES = 1024 * 1024;

export const sinkConfigSchema = defineConfig('smtp-sink', sinkSettings, [
  (c) => ((c.tlsKeyFile === '') !== (c.tlsCertFile === '') ? 'SINK_TLS_KEY and SINK_TLS_CERT must be set together' : null),
  (c) =>
    c.maxMessageBytes + FACTS_HEADROOM_BYTES > TOPIC_MAX_RECORD_BYTES.raw
      ? `SINK_MAX_MESSAGE_BYTES=${c.maxMessageBytes} does not fit the raw topic's max.message.bytes (${TOPIC_MAX_RECORD_BYTES.raw}) with ${FACTS_HEADROOM_BYTES} B for facts`
      : null,
  (c) => (c.maxInflightBytes < c.maxMessageBytes ? 'SINK_MAX_INFLIGHT_BYTES must be at least SINK_MAX_MESSAGE_BYTES' : null),
  (c) => (c.trapDomains.length === 0 ? 'SINK_TRAP_DOMAINS must list at least one trap' : null),
]);

/** Splits `host:port` (IPv6 in brackets); an empty host means all interfaces. */
export function splitHostPort(s: string, defaultHost = '127.0.0.1'): { host: string; port: number } {
  if (/^\d+$/.test(s)) return { host: defaultHost, port: Number(s) };
  const i = s.lastIndexOf(':');
  let host = s.slice(0, i);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { host: host === '' ? '::' : host, port: Number(s.slice(i + 1)) };
}
