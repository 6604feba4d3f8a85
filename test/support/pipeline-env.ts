// One environment map that configures all four services for an isolated run (own topics, index and queue prefix).
import { prefixedTopics, type TopicNames } from '@spamtrap/contracts';

export interface PipelineEnvOptions {
  /** Unique run prefix: topics `<prefix>.spamtrap.*`, ES indices `<prefix>-*`, queue prefix `<prefix>`. */
  prefix: string;
  trapDomains: string[];
  ourHosts: string[];
  /** `127.0.0.1:<port>` of the DNS server the enricher asks, or null to run without DNS. */
  dnsServer: string | null;
  sinkListen?: string;
  /** Peers whose PROXY v1 header the sink trusts (the test or demo feeder on loopback). */
  proxyFrom?: string[];
  kafkaBrokers?: string;
  esNode?: string;
  redisUrl?: string;
}

export function pipelineTopics(prefix: string): TopicNames {
  return prefixedTopics(prefix);
}

export function pipelineEnv(o: PipelineEnvOptions): Record<string, string> {
  const t = pipelineTopics(o.prefix);
  const traps = o.trapDomains.join(',');
  return {
    KAFKA_BROKERS: o.kafkaBrokers ?? process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092',
    ES_NODE: o.esNode ?? process.env['ES_NODE'] ?? 'http://127.0.0.1:9200',
    REDIS_URL: o.redisUrl ?? process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6380',
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
    SINK_LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
    SPAMTRAP_TRAP_DOMAINS: traps,
    // smtp-sink
    SINK_LISTEN: o.sinkListen ?? '127.0.0.1:0',
    SINK_TRAP_DOMAINS: traps,
    SINK_PROXY_FROM: (o.proxyFrom ?? ['127.0.0.1']).join(','),
    SINK_HOSTNAME: o.ourHosts[0] ?? 'localhost',
    SINK_ID: `${o.prefix}-sink`,
    SINK_METRICS_LISTEN: 'off',
    SINK_TOPIC_RAW: t.raw,
    SINK_TOPIC_SESSIONS: t.sessions,
    // parser
    PARSER_INPUT_TOPIC: t.raw,
    PARSER_OUTPUT_TOPIC: t.parsed,
    PARSER_DLQ_TOPIC: t.dlq,
    PARSER_GROUP_ID: `${o.prefix}-parser`,
    // enricher
    ENRICHER_INPUT_TOPIC: t.parsed,
    ENRICHER_OUTPUT_TOPIC: t.verdicts,
    ENRICHER_DLQ_TOPIC: t.dlq,
    ENRICHER_GROUP_ID: `${o.prefix}-enricher`,
    ENRICHER_DNS: o.dnsServer === null ? 'false' : 'true',
    ...(o.dnsServer === null ? {} : { ENRICHER_DNS_SERVERS: o.dnsServer }),
    ENRICHER_TRAP_DOMAINS: traps,
    ENRICHER_OUR_HOSTS: o.ourHosts.join(','),
    // nominator
    NOMINATOR_VERDICTS_TOPIC: t.verdicts,
    NOMINATOR_SESSIONS_TOPIC: t.sessions,
    NOMINATOR_DLQ_TOPIC: t.dlq,
    NOMINATOR_GROUP_ID: `${o.prefix}-nominator`,
    ES_INDEX_PREFIX: o.prefix,
    QUEUE_PREFIX: o.prefix,
    PROBE_QUEUE: 'probe',
  };
}
