// startSink: wires listeners, the front door, smtp-server, Kafka publishing, metrics and graceful stop.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { SMTPServerOptions, SMTPServerSession } from 'smtp-server';
import type { RecordPublisher } from '@spamtrap/kafka';
import type { Logger } from '@spamtrap/logging';
import { METRICS_OFF, splitHostPort } from './config.js';
import type { SinkContext, SinkSettings } from './context.js';
import { FastGreetServer } from './fast-greet-server.js';
import { FrontDoor } from './front-door.js';
import { startHealthServer, type HealthServer } from './health-server.js';
import { InflightBudget, PerIpCounter } from './limits.js';
import { createSinkMetrics, type SinkMetrics } from './metrics.js';
import { publishBounded, sessionRecord } from './publish.js';
import { RecipientPolicy } from './recipient-policy.js';
import type { ConnectionRecord } from './session-recorder.js';
import { loadTlsMaterial } from './tls-certificate.js';
import { onData, onMailFrom, onRcptTo } from './transaction.js';

/** An implicit-TLS client gets this long for its handshake (Node's default is 120 s). */
const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

export interface SinkDeps {
  publisher: RecordPublisher;
  logger: Logger;
  /** Collect Node process metrics (off in tests that run several sinks). */
  processMetrics?: boolean;
}

export interface RunningSink {
  address: AddressInfo;
  tlsAddress: AddressInfo | null;
  metricsAddress: AddressInfo | null;
  metrics: SinkMetrics;
  /** Stop accepting, finish transactions in flight (bounded by drainTimeoutMs), close sessions. */
  stop(): Promise<void>;
}

function listen(server: Server, hostPort: string): Promise<AddressInfo> {
  const { host, port } = splitHostPort(hostPort);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

export async function startSink(config: SinkSettings, deps: SinkDeps): Promise<RunningSink> {
  const { publisher, logger } = deps;
  const budget = new InflightBudget(config.maxInflightBytes);
  const metrics = createSinkMetrics(() => budget.inUse, deps.processMetrics ?? true);
  const ctx: SinkContext = {
    config,
    publisher,
    logger,
    metrics,
    budget,
    perIp: new PerIpCounter(),
    policy: new RecipientPolicy(config.trapDomains),
    records: new Map(),
    draining: false,
    activeTransactions: 0,
    pendingSessionPublishes: new Set(),
  };
  const sockets = new Map<string, Socket>();

  // Never smtp-server's built-in test certificate: its private key is public, in the package's source.
  const tls = await loadTlsMaterial(config.tlsKeyFile, config.tlsCertFile, config.serverName);
  if (tls.fingerprint !== undefined) logger.info({ fingerprint: tls.fingerprint, subject: config.serverName }, 'STARTTLS/SMTPS use a self-signed certificate generated at start; set SINK_TLS_KEY and SINK_TLS_CERT for your own');
  const tlsFiles = { key: tls.key, cert: tls.cert };
  const base = (secure: boolean): SMTPServerOptions => ({
    name: config.serverName,
    secure,
    // AUTH is never offered and always answered 503 (FastGreetServer); authOptional keeps smtp-server from
    // demanding it before MAIL: a trap never authenticates anyone.
    disabledCommands: secure ? ['STARTTLS'] : [],
    authOptional: true,
    size: config.maxMessageBytes,
    rejectOversized: true,
    maxRecipients: config.maxRecipients,
    maxCommandLength: config.maxLineBytes,
    socketTimeout: config.commandTimeoutMs,
    closeTimeout: config.drainTimeoutMs + 1000,
    lenientAddressParsing: true, // junk envelopes are evidence; the recipient policy decides
    disableReverseLookup: true, // PTR belongs to the enricher, not in front of the greeting
    logger: false,
    ...tlsFiles,
    // Synchronous hooks: the library's defaults defer by setImmediate, and the greeting must be sent in the same
    // tick as connect() so that bytes an early talker sent (replayed by the front door) meet a ready session.
    onConnect: (_session, cb) => cb(),
    onSecure: (_socket, _session, cb) => cb(),
    onMailFrom: onMailFrom(ctx),
    onRcptTo: onRcptTo(ctx),
    onData: onData(ctx, sockets),
  });
  // Credential-stuffing bots are evidence: the mechanism is recorded, never the credentials.
  const hooks = { onAuthAttempt: (session: SMTPServerSession, line: string) => ctx.records.get(session.id)?.noteAuthAttempt(line) };
  const smtp = new FastGreetServer(base(false), hooks);
  const smtps = config.tlsListen === '' ? null : new FastGreetServer(base(true), hooks);
  for (const s of [smtp, smtps]) s?.on('error', (err: Error) => logger.debug({ err }, 'smtp connection error'));

  const publishSession = (rec: ConnectionRecord): void => {
    // smtp-server handles the same 'close' after us and may still add DATA_STREAM_ERROR: look once it is done.
    setImmediate(() => publishSessionNow(rec));
  };
  const publishSessionNow = (rec: ConnectionRecord): void => {
    if (!rec.hasUncarriedAnomalies()) return;
    const record = rec.sessionRecord(new Date());
    const p = publishBounded(publisher, [sessionRecord(config.topicSessions, record)], config.sinkPublishTimeoutMs).then(
      () => void metrics.sessionRecords.inc({ result: 'ok' }),
      (err: unknown) => {
        metrics.sessionRecords.inc({ result: 'failed' });
        logger.warn({ err, connectionId: rec.connectionId, anomalies: record.anomalies }, 'session evidence not published');
      },
    );
    ctx.pendingSessionPublishes.add(p);
    void p.finally(() => ctx.pendingSessionPublishes.delete(p));
  };
  const door = new FrontDoor(ctx, { plain: smtp, tls: smtps }, sockets, publishSession);

  const plainServer = createServer({ noDelay: true }, (socket) => door.accept(socket, 'plain'));
  const address = await listen(plainServer, config.listen);
  let tlsServer: Server | null = null;
  let tlsAddress: AddressInfo | null = null;
  if (smtps !== null) {
    const o = smtps.options;
    const server = createTlsServer({ key: o.key, cert: o.cert, handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS }, (s: TLSSocket) => door.accept(s, 'tls'));
    server.maxConnections = config.maxConnections; // handshakes happen before the front door counts
    server.on('tlsClientError', (err) => logger.debug({ err }, 'SMTPS handshake failed'));
    tlsServer = server;
    tlsAddress = await listen(server, config.tlsListen.includes(':') ? config.tlsListen : `${splitHostPort(config.listen).host}:${config.tlsListen}`);
  }
  let health: HealthServer | null = null;
  if (config.metricsListen !== '' && config.metricsListen !== METRICS_OFF) {
    const { host, port } = splitHostPort(config.metricsListen);
    health = await startHealthServer(host, port, () => publisher.isHealthy() && !ctx.draining, metrics.registry);
  }
  logger.info({ address, tlsAddress, metrics: health?.address ?? null, pregreetMs: config.pregreetMs }, 'smtp-sink listening');

  let stopping: Promise<void> | null = null;
  const stop = async (): Promise<void> => {
    ctx.draining = true;
    const closed = [plainServer, tlsServer].filter((s): s is Server => s !== null).map((s) => new Promise<void>((r) => s.close(() => r())));
    door.closeWaiting();
    // Transactions in flight finish (their 250 follows the ack); new MAIL commands get 421.
    const deadline = Date.now() + config.drainTimeoutMs;
    while (ctx.activeTransactions > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (ctx.activeTransactions > 0) logger.warn({ active: ctx.activeTransactions }, 'drain timeout: closing sessions with transactions in flight');
    for (const socket of sockets.values()) {
      if (!socket.destroyed && !socket.writableEnded) socket.end(`421 4.3.2 ${config.serverName} Service shutting down\r\n`);
      setTimeout(() => socket.destroy(), 500).unref();
    }
    await Promise.all(closed);
    // Sessions closing now still publish their evidence (deferred by one setImmediate): wait for the sockets
    // (each is destroyed within 500 ms above), then for those publishes, before the caller closes the publisher.
    const socketsGone = Date.now() + 1500;
    while (door.openConnections > 0 && Date.now() < socketsGone) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setImmediate(r));
    await Promise.allSettled([...ctx.pendingSessionPublishes]);
    await health?.close();
    logger.info('smtp-sink stopped');
  };
  return {
    address,
    tlsAddress,
    metricsAddress: health?.address ?? null,
    metrics,
    stop: () => (stopping ??= stop()),
  };
}
