// Prometheus metrics of one sink instance (own registry, so several sinks can live in one test process).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface SinkMetrics {
  registry: Registry;
  connectionsOpen: Gauge;
  connectionsTotal: Counter;
  connectionsRefused: Counter<'reason'>;
  messagesAccepted: Counter;
  messagesRejected: Counter<'reason'>;
  recipientsRejected: Counter<'reason'>;
  messageBytes: Counter;
  publishSeconds: Histogram;
  sessionRecords: Counter<'result'>;
  earlyTalkers: Counter;
  anomalies: Counter;
  httpRequests: Counter<'kind'>;
  inflightBytes: Gauge;
}

export function createSinkMetrics(inflight: () => number, withDefaults = true): SinkMetrics {
  const registry = new Registry();
  if (withDefaults) collectDefaultMetrics({ register: registry, prefix: 'spamtrap_sink_' });
  const r = [registry];
  return {
    registry,
    connectionsOpen: new Gauge({ name: 'spamtrap_sink_connections_open', help: 'SMTP connections open now', registers: r }),
    connectionsTotal: new Counter({ name: 'spamtrap_sink_connections_total', help: 'SMTP connections accepted by the listener', registers: r }),
    connectionsRefused: new Counter({ name: 'spamtrap_sink_connections_refused_total', help: 'Connections refused before the session (421/554)', labelNames: ['reason'], registers: r }),
    messagesAccepted: new Counter({ name: 'spamtrap_sink_messages_accepted_total', help: 'Messages answered 250 after the Kafka ack', registers: r }),
    messagesRejected: new Counter({ name: 'spamtrap_sink_messages_rejected_total', help: 'Messages not accepted after DATA', labelNames: ['reason'], registers: r }),
    recipientsRejected: new Counter({ name: 'spamtrap_sink_recipients_rejected_total', help: 'RCPT TO refused (550)', labelNames: ['reason'], registers: r }),
    messageBytes: new Counter({ name: 'spamtrap_sink_message_bytes_total', help: 'Bytes of accepted messages', registers: r }),
    publishSeconds: new Histogram({
      name: 'spamtrap_sink_publish_seconds',
      help: 'Time from end of DATA to the Kafka ack (or failure)',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: r,
    }),
    sessionRecords: new Counter({ name: 'spamtrap_sink_session_records_total', help: 'Session evidence records published to spamtrap.sessions', labelNames: ['result'], registers: r }),
    earlyTalkers: new Counter({ name: 'spamtrap_sink_early_talkers_total', help: 'Clients that sent bytes before the greeting', registers: r }),
    // Labels are the sink's own anomaly codes (a fixed vocabulary), never client text: cardinality stays bounded.
    anomalies: new Counter({ name: 'spamtrap_sink_anomalies_total', help: 'Session anomalies observed, by code (EARLY_TALKER, HTTP_REQUEST, PIPELINING_VIOLATION, AUTH_ATTEMPT, RELAY_ATTEMPT, BARE_LF, ...)', labelNames: ['code'], registers: r }),
    httpRequests: new Counter({ name: 'spamtrap_sink_http_requests_total', help: 'HTTP request lines seen on the SMTP port', labelNames: ['kind'], registers: r }),
    inflightBytes: new Gauge({
      name: 'spamtrap_sink_inflight_bytes',
      help: 'Message bytes held in memory (receiving or awaiting the Kafka ack)',
      registers: r,
      collect() {
        this.set(inflight());
      },
    }),
  };
}
