// Just enough of the Kafka wire protocol for a readiness probe: a Metadata v1 request and its reply.

const METADATA_API_KEY = 3;
const METADATA_VERSION = 1;

/** A size-prefixed Metadata v1 request asking for no topics (brokers and controller only). */
export function encodeMetadataRequest(correlationId: number, clientId: string): Buffer {
  const cid = Buffer.from(clientId, 'utf8');
  // header v1: api_key int16, api_version int16, correlation_id int32, client_id string; body: topics array (0 = none)
  const body = Buffer.alloc(2 + 2 + 4 + 2 + cid.length + 4);
  let o = 0;
  o = body.writeInt16BE(METADATA_API_KEY, o);
  o = body.writeInt16BE(METADATA_VERSION, o);
  o = body.writeInt32BE(correlationId, o);
  o = body.writeInt16BE(cid.length, o);
  o += cid.copy(body, o);
  body.writeInt32BE(0, o);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

export interface MetadataSummary {
  brokers: { nodeId: number; host: string; port: number }[];
  controllerId: number;
}

/**
 * Decodes a Metadata v1 response frame (size prefix included). Returns null while the frame is
 * incomplete; throws on a malformed frame or a correlation id that is not ours.
 */
export function decodeMetadataResponse(frame: Buffer, correlationId: number): MetadataSummary | null {
  if (frame.length < 4) return null;
  const size = frame.readInt32BE(0);
  if (size < 0 || size > 16 * 1024 * 1024) throw new Error(`bad frame size ${size}`);
  if (frame.length < 4 + size) return null;
  const b = frame.subarray(4, 4 + size);
  let o = 0;
  const need = (n: number): void => {
    if (o + n > b.length) throw new Error('truncated metadata response');
  };
  const i16 = (): number => (need(2), (o += 2), b.readInt16BE(o - 2));
  const i32 = (): number => (need(4), (o += 4), b.readInt32BE(o - 4));
  const str = (): string | null => {
    const n = i16();
    if (n < 0) return null;
    need(n);
    o += n;
    return b.toString('utf8', o - n, o);
  };
  if (i32() !== correlationId) throw new Error('correlation id mismatch');
  const n = i32();
  if (n < 0 || n > 10_000) throw new Error(`bad broker count ${n}`);
  const brokers: MetadataSummary['brokers'] = [];
  for (let k = 0; k < n; k++) {
    const nodeId = i32();
    const host = str() ?? '';
    const port = i32();
    str(); // rack
    brokers.push({ nodeId, host, port });
  }
  return { brokers, controllerId: i32() };
}
