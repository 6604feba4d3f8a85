// Readiness probes spoken directly (no client libraries): Kafka Metadata, Elasticsearch health, Redis PING.
import { connect } from 'node:net';
import { decodeMetadataResponse, encodeMetadataRequest, type MetadataSummary } from './kafka-wire.js';

/** Sends `request` to 127.0.0.1:port and feeds the reply to `decode` until it returns non-null. */
function roundTrip<T>(port: number, request: Buffer, decode: (buf: Buffer) => T | null, timeoutMs: number): Promise<T | null> {
  return new Promise((resolve) => {
    const sock = connect({ port, host: '127.0.0.1' });
    let buf = Buffer.alloc(0);
    let settled = false;
    const done = (v: T | null): void => {
      if (settled) return;
      settled = true;
      sock.destroy();
      resolve(v);
    };
    sock.setTimeout(timeoutMs, () => done(null));
    sock.once('error', () => done(null));
    sock.once('close', () => done(null));
    sock.once('connect', () => sock.write(request));
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      try {
        const v = decode(buf);
        if (v !== null) done(v);
      } catch {
        done(null);
      }
    });
  });
}

/** Broker list and controller id from a Metadata round-trip, or null if Kafka does not answer yet. */
export function kafkaMetadata(port: number, timeoutMs = 2000): Promise<MetadataSummary | null> {
  const cid = Math.floor(Math.random() * 0x7fffffff);
  return roundTrip(port, encodeMetadataRequest(cid, 'spamtrap-stack'), (b) => decodeMetadataResponse(b, cid), timeoutMs);
}

/** Kafka is ready when it lists at least one broker and has an elected controller. */
export async function kafkaReady(port: number): Promise<boolean> {
  const md = await kafkaMetadata(port);
  return md !== null && md.brokers.length > 0 && md.controllerId >= 0;
}

/** True when Redis answers PING with PONG (not -LOADING while it replays the AOF). */
export async function redisReady(port: number, timeoutMs = 2000): Promise<boolean> {
  const reply = await roundTrip(port, Buffer.from('PING\r\n'), (b) => (b.includes('\r\n') ? b.toString('latin1') : null), timeoutMs);
  return reply === '+PONG\r\n';
}

/** Cluster health status (green/yellow/red), or null when ES does not answer. `GET /` is absent on the integ-test zip. */
export async function esHealth(port: number, timeoutMs = 3000): Promise<string | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/_cluster/health?wait_for_status=yellow&timeout=1s`, { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await res.json()) as { status?: unknown };
    return typeof body.status === 'string' ? body.status : null;
  } catch {
    return null;
  }
}

export async function esReady(port: number): Promise<boolean> {
  const s = await esHealth(port);
  return s === 'green' || s === 'yellow';
}
