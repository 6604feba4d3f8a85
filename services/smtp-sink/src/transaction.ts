// smtp-server hooks for one mail transaction: MAIL (drain check), RCPT (trap policy), DATA (buffer, publish, reply).
import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import type { SMTPServerAddress, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { newEvidenceId } from '@spamtrap/contracts';
import { smtpError, type SinkContext } from './context.js';
import { publishBounded, rawRecord } from './publish.js';
import { boundHelo, type ConnectionRecord } from './session-recorder.js';

type Done = (err?: Error | null) => void;
type DataDone = (err?: Error | null, message?: string) => void;

export function onMailFrom(ctx: SinkContext) {
  return (_address: SMTPServerAddress, _session: SMTPServerSession, cb: Done): void => {
    if (ctx.draining) return cb(smtpError(421, `4.3.2 ${ctx.config.serverName} Service shutting down, try again later`));
    cb();
  };
}

export function onRcptTo(ctx: SinkContext) {
  return (address: SMTPServerAddress, session: SMTPServerSession, cb: Done): void => {
    const verdict = ctx.policy.check(address.address);
    if (verdict.accept) return cb();
    ctx.metrics.recipientsRejected.inc({ reason: verdict.reason });
    // A refused recipient is a relay test or a dictionary attack: evidence about the peer.
    ctx.records.get(session.id)?.addAnomaly('RELAY_ATTEMPT', `${verdict.reason}: ${address.address}`);
    cb(smtpError(550, verdict.message));
  };
}

/** Kafka's record-size refusals (kafkajs protocol error types; the in-memory fake uses the same). */
export function isTooLargeForTopic(err: unknown): boolean {
  const type = typeof err === 'object' && err !== null ? (err as { type?: unknown }).type : undefined;
  return type === 'MESSAGE_TOO_LARGE' || type === 'RECORD_LIST_TOO_LARGE';
}

/** True when the message has a LF not preceded by CR (bare LF, RFC 5321 2.3.8): a spamware tell. */
export function hasBareLf(buf: Buffer): boolean {
  let i = buf.indexOf(0x0a);
  while (i >= 0) {
    if (i === 0 || buf[i - 1] !== 0x0d) return true;
    i = buf.indexOf(0x0a, i + 1);
  }
  return false;
}

export function onData(ctx: SinkContext, sockets: Map<string, Socket>) {
  return (stream: SMTPServerDataStream, session: SMTPServerSession, cb: DataDone): void => {
    const { config, metrics, budget, logger } = ctx;
    const rec = ctx.records.get(session.id);
    // Called just before smtp-server writes its 354: the pipelining watch reads message content from here.
    rec?.noteDataAccepted();
    ctx.activeTransactions++;
    let finished = false;
    let received = 0;
    let held = 0;
    let chunks: Buffer[] = [];
    let state: 'ok' | 'oversize' | 'overbudget' = 'ok';
    const free = (): void => {
      budget.release(held);
      held = 0;
      chunks = [];
    };
    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      ctx.activeTransactions--;
    };
    // Total time for one DATA transfer: a slow-drip sender cannot hold memory and a slot forever.
    const timer = setTimeout(() => {
      if (finished) return;
      rec?.addAnomaly('DATA_TIMEOUT', `${received} bytes in ${config.dataTimeoutMs} ms`);
      metrics.messagesRejected.inc({ reason: 'data_timeout' });
      free();
      finish();
      const socket = sockets.get(session.id);
      if (socket !== undefined && !socket.destroyed) {
        socket.end(`451 4.4.2 ${config.serverName} Timeout receiving the message, closing connection\r\n`);
        setTimeout(() => socket.destroy(), 1000).unref();
      }
    }, config.dataTimeoutMs);
    timer.unref();

    stream.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (state !== 'ok' || finished) return;
      if (received > config.maxMessageBytes) {
        state = 'oversize';
        free();
      } else if (!budget.tryTake(chunk.length)) {
        state = 'overbudget';
        free();
      } else {
        held += chunk.length;
        chunks.push(chunk);
      }
    });
    stream.once('error', (err: Error) => {
      if (finished) return; // e.g. the data timeout already closed the connection
      // smtp-server destroys the stream when the client vanishes mid-message: evidence, and no reply is possible.
      rec?.addAnomaly('DATA_STREAM_ERROR', `${err.message} after ${received} bytes`);
      metrics.messagesRejected.inc({ reason: 'stream_error' });
      free();
      finish();
    });
    stream.once('end', () => {
      if (finished) return;
      if (stream.sizeExceeded || state === 'oversize') {
        rec?.addAnomaly('OVERSIZE', `${received} bytes, limit ${config.maxMessageBytes}`);
        metrics.messagesRejected.inc({ reason: 'oversize' });
        free();
        finish();
        return cb(smtpError(552, `5.3.4 Message too big for system (limit ${config.maxMessageBytes} bytes)`));
      }
      if (state === 'overbudget') {
        metrics.messagesRejected.inc({ reason: 'memory' });
        finish();
        return cb(smtpError(451, '4.3.1 Insufficient system resources, try again later'));
      }
      const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, held);
      chunks = []; // only `raw` stays referenced while Kafka acks (the budget still counts `held`)
      void accept(ctx, rec, session, raw).then(
        (reply) => cb(null, reply),
        (err: unknown) => {
          if (isTooLargeForTopic(err)) {
            // Retrying cannot help: the topic's max.message.bytes is below SINK_MAX_MESSAGE_BYTES (a deployment error).
            logger.error({ err, cid: session.id, topic: config.topicRaw }, 'Kafka refused the message as too large: raise the topic max.message.bytes');
            metrics.messagesRejected.inc({ reason: 'kafka_too_large' });
            return cb(smtpError(552, '5.3.4 Message too big for system'));
          }
          logger.warn({ err, cid: session.id }, 'message not accepted: Kafka did not acknowledge');
          metrics.messagesRejected.inc({ reason: 'kafka_unavailable' });
          cb(smtpError(451, '4.3.0 Temporary failure storing the message, try again later'));
        },
      )
        .catch((err: unknown) => logger.error({ err, cid: session.id }, 'replying after DATA failed')) // never an unhandled rejection
        .finally(() => {
          free();
          finish();
        });
    });
  };
}

function heloVerb(v: unknown): 'HELO' | 'EHLO' | 'LHLO' | null {
  return v === 'HELO' || v === 'EHLO' || v === 'LHLO' ? v : null;
}

/** Publish one message; resolves with the 250 text only after the Kafka ack (acks=all). */
async function accept(ctx: SinkContext, rec: ConnectionRecord | undefined, session: SMTPServerSession, raw: Buffer): Promise<string> {
  if (rec === undefined) throw new Error(`no connection record for session ${session.id}`);
  const sha256 = createHash('sha256').update(raw).digest('hex');
  if (hasBareLf(raw)) rec.addAnomaly('BARE_LF', `transaction ${session.transaction}`);
  const evidenceId = newEvidenceId();
  rec.helo = boundHelo(session.hostNameAppearsAs);
  const mailFrom = session.envelope.mailFrom;
  const tls = session.tlsOptions;
  const carriedBefore = rec.carriedCount();
  const facts = rec.rawFacts(
    {
      evidenceId,
      transaction: session.transaction,
      acceptedAt: new Date().toISOString(),
      helo: rec.helo,
      heloVerb: heloVerb(session.openingCommand),
      tls: tls === false || tls === undefined ? null : { protocol: tls.version, cipher: tls.name },
      mailFrom: mailFrom === false ? '' : mailFrom.address,
      rcptTo: session.envelope.rcptTo.map((r) => r.address),
      size: raw.length,
      sha256,
    },
    ctx.config.trusted,
  );
  const t0 = process.hrtime.bigint();
  try {
    await publishBounded(ctx.publisher, [rawRecord(ctx.config.topicRaw, raw, facts)], ctx.config.sinkPublishTimeoutMs);
  } catch (err) {
    rec.uncarry(carriedBefore); // the anomalies did not reach Kafka: the session record must carry them
    throw err;
  } finally {
    ctx.metrics.publishSeconds.observe(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  rec.messages++;
  ctx.metrics.messagesAccepted.inc();
  ctx.metrics.messageBytes.inc(raw.length);
  return `2.0.0 Ok: queued as ${evidenceId}`;
}
