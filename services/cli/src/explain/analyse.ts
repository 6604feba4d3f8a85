// Turns one loaded message into an explanation record: header extraction, sanity checks on the input, the hop walk.
import type { HopWalk, Reason, ReceivedHop } from '@spamtrap/contracts';
import { extractHeaders, walkHops, type SessionFacts, type TrustList } from '@spamtrap/received';
import type { Loaded } from './load.js';

export interface ExplainOptions {
  trusted: TrustList;
  session?: SessionFacts;
  now?: Date;
  maxSkewMs?: number;
}

/** What explain reports for one message; `walk` is absent when the input was not a message. */
export interface Explanation {
  file: string;
  walk: HopWalk | null;
  /** Input-level problems (unreadable, binary, no headers); walk reasons live in walk.reasons. */
  inputReasons: Reason[];
  error: string | null;
}

/** Share of control/NUL bytes in the header block above which the input is called binary (10%: text headers have ~0). */
const BINARY_RATIO = 0.1;

/** Bytes sampled for the binary check (1 KiB: a message's first header lines; junk shows at once). */
const BINARY_SAMPLE_BYTES = 1024;

/** Control bytes other than tab, CR and LF; text headers have none, so one native scan settles most messages. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is looked for
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f]/;

function binaryShare(raw: Buffer, end: number): number {
  const n = Math.min(end, BINARY_SAMPLE_BYTES);
  if (n === 0) return 0;
  if (!CONTROL.test(raw.toString('latin1', 0, n))) return 0;
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = raw[i] as number;
    if (c === 0 || (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d)) bad++;
  }
  return bad / n;
}

export function explainOne(input: Loaded, opts: ExplainOptions): Explanation {
  if (input.error !== undefined) {
    return { file: input.file, walk: null, inputReasons: [{ code: 'INPUT_UNREADABLE', detail: { error: input.error } }], error: input.error };
  }
  const raw = input.raw;
  if (raw.length === 0) return { file: input.file, walk: null, inputReasons: [{ code: 'INPUT_EMPTY' }], error: 'empty input' };
  const h = extractHeaders(raw);
  if (binaryShare(raw, h.headerBytes || raw.length) > BINARY_RATIO) {
    return { file: input.file, walk: null, inputReasons: [{ code: 'INPUT_BINARY' }], error: 'binary data, not a message' };
  }
  if (!h.looksLikeHeaders) {
    return { file: input.file, walk: null, inputReasons: [{ code: 'INPUT_NO_HEADERS' }], error: 'no header fields found' };
  }
  const inputReasons: Reason[] = [];
  if (h.headerCut) inputReasons.push({ code: 'HEADER_BLOCK_CUT', detail: { bytes: h.headerBytes } });
  const walk = walkHops(h.received, {
    trusted: opts.trusted,
    ...(opts.session ? { session: opts.session } : {}),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.maxSkewMs !== undefined ? { maxSkewMs: opts.maxSkewMs } : {}),
    truncated: h.truncated,
  });
  return { file: input.file, walk, inputReasons, error: null };
}

/** Hop role relative to the boundary, for display. */
export function hopRole(walk: HopWalk, i: number, hop: ReceivedHop): string {
  if (hop.kind !== 'relay') return hop.kind;
  if (walk.relay && walk.relay.source === 'header' && walk.relay.index === i) return 'RELAY';
  if (walk.boundary >= 0 && i < walk.boundary) return 'ours';
  if (walk.boundary >= 0 && i === walk.boundary) return 'ours';
  return 'claim';
}
