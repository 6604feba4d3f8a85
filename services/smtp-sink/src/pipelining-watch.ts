// Spots clients that send ahead of our replies where SMTP forbids it (PIPELINING_VIOLATION), one read at a time, all session long.
import { withoutCredentials } from './credentials.js';
import { escapeBytes } from './http-detect.js';

/**
 * Commands that must end a pipelined group even when PIPELINING is offered (RFC 2920 3.1: EHLO, DATA,
 * VRFY, EXPN, TURN, QUIT, NOOP; STARTTLS by RFC 3207 4.2, AUTH by RFC 4954 4; HELO/LHLO/BDAT change
 * state as EHLO does). Bytes after one of them in the same read were sent before its reply.
 */
const MUST_END_GROUP = new Set(['EHLO', 'HELO', 'LHLO', 'DATA', 'BDAT', 'VRFY', 'EXPN', 'TURN', 'QUIT', 'NOOP', 'STARTTLS', 'AUTH']);
/** After these the bytes are a TLS handshake or BDAT chunks (CHUNKING is not offered): the watch ends there. */
const WATCH_ENDS = new Set(['BDAT', 'STARTTLS']);
/** Bytes of a line start kept across reads: enough for the longest verb (STARTTLS) and its delimiter. */
const VERB_BYTES = 9;
/** Escaped characters of the offending bytes quoted in the anomaly detail. */
const QUOTE_MAX_CHARS = 80;
/** smtp-server ends DATA at the first CRLF.CRLF, counting the CRLF of the DATA line (smtp-stream.js). */
const END_OF_DATA = Buffer.from('\r\n.\r\n');
/** What precedes the first content byte as far as the terminator goes: ".\r\n" right after DATA ends it. */
const CONTENT_START = Buffer.from('\r\n');

/**
 * `command`: judging command lines. `dataReply`: a DATA line was the last thing read, its reply is not
 * known yet. `content`: smtp-server answered 354 and reads message content up to the end of data.
 * `off`: a violation was reported, or the budget is used up, or STARTTLS/BDAT: nothing more is judged.
 */
type Mode = 'command' | 'dataReply' | 'content' | 'off';

/**
 * Follows one session's client bytes read by read (each `read()` is one socket read, seen before
 * smtp-server's parser gets it). A client that waits for replies never has bytes behind a complete
 * command line in the same read, because the next line is only written after the reply. So bytes
 * behind a command line in one read are a violation when PIPELINING is not in force (no EHLO yet, or
 * HELO: the extension is only offered in the EHLO reply), or when the command must end a group (DATA:
 * message content before our 354). MAIL/RCPT/RSET groups ending in DATA after EHLO are RFC 2920
 * pipelining. The message's end of data is a command too: bytes behind the final "." in the same read
 * (QUIT, the next MAIL) were sent before its reply, which only PIPELINING allows (RFC 2920 3.1: the
 * message content may open a group).
 *
 * Whether a DATA got 354 is smtp-server's decision (503 when no recipient was accepted), so the sink's
 * onData hook reports it (`dataAccepted()`); it runs before the 354 is written, so a client that waited
 * for the reply always finds it known. Bytes read while it is not known are taken as commands (a refused
 * DATA); if the 354 comes after them after all, they were sent before it, and that is reported then.
 *
 * Bounded: a few fields, a line start of at most VERB_BYTES and a terminator tail of at most 4 bytes; no
 * message content is kept. Command lines cost one indexOf each, up to `maxDialogueBytes` of command
 * bytes per session; message content costs one native indexOf of the 5-byte terminator per read (far
 * less than smtp-server's own byte loop over the same content). The first violation is reported, then
 * the watch is off.
 */
export class PipeliningWatch {
  private mode: Mode = 'command';
  private ehlo = false;
  private head = '';
  private dialogue = 0;
  /** The last (at most 4) content bytes, copied: a terminator may straddle two reads. */
  private tail: Buffer = CONTENT_START;
  /** Quote of the bytes read while a DATA had no known reply; reported if its 354 comes after them. */
  private unanswered: string | null = null;

  constructor(private readonly maxDialogueBytes: number) {}

  get finished(): boolean {
    return this.mode === 'off';
  }

  /** One socket read; returns the anomaly detail the first time a violation shows, else null. */
  read(chunk: Buffer): string | null {
    let pos = 0;
    if (this.mode === 'content') {
      const end = this.endOfData(chunk);
      if (end < 0) return null;
      this.mode = 'command';
      pos = end;
      if (pos < chunk.length && !this.ehlo) return this.report(`"${quote(chunk, pos)}" sent before the reply to the end of data (".") (PIPELINING not offered)`);
    } else if (this.mode === 'dataReply') {
      // No 354 before these bytes: smtp-server refused the DATA (they are commands), or the client did not wait.
      this.mode = 'command';
      this.unanswered = quote(chunk, 0);
    }
    if (this.mode !== 'command' || pos >= chunk.length) return null;
    return this.commands(chunk, pos);
  }

  /** smtp-server accepted a DATA (its onData hook, just before the 354); returns a violation detail or null. */
  dataAccepted(): string | null {
    if (this.mode === 'dataReply') {
      this.mode = 'content';
      this.tail = CONTENT_START;
      return null;
    }
    if (this.mode === 'command' && this.unanswered !== null) {
      return this.report(`"${this.unanswered}" sent before the 354 reply to DATA`);
    }
    // Out of step with smtp-server (a DATA the watch did not see as one): stop rather than misjudge content.
    this.mode = 'off';
    return null;
  }

  /** Judge command lines from `pos`; stops at a DATA that ends the read (its reply decides what follows). */
  private commands(chunk: Buffer, pos: number): string | null {
    // Lines starting beyond the byte budget are not looked at: one huge read costs no more than the budget.
    const limit = pos + Math.max(0, this.maxDialogueBytes - this.dialogue);
    this.dialogue += chunk.length - pos;
    let start = pos;
    for (;;) {
      const nl = start < limit ? chunk.indexOf(0x0a, start) : -1;
      if (nl < 0) break;
      const verb = verbOf(this.head + chunk.subarray(start, Math.min(nl, start + VERB_BYTES)).toString('latin1'));
      this.head = '';
      start = nl + 1;
      if (start < chunk.length) {
        if (verb === 'DATA') return this.report(`message content in the same read as DATA, before the 354 reply: ${quote(chunk, start)}`);
        // What follows an AUTH line would be its SASL responses (credentials): quoted withheld.
        const behind = quote(chunk, start, verb === 'AUTH');
        if (!this.ehlo) return this.report(`"${behind}" sent before the reply to ${verb || 'an empty line'} (PIPELINING not offered)`);
        if (MUST_END_GROUP.has(verb)) return this.report(`"${behind}" sent before the reply to ${verb} (it must end a pipelined group, RFC 2920)`);
      }
      if (verb === 'EHLO') this.ehlo = true;
      else if (verb === 'HELO' || verb === 'LHLO') this.ehlo = false;
      if (verb === 'DATA') {
        this.mode = 'dataReply';
        this.unanswered = null; // an earlier DATA without a 354 was refused: this one is the DATA in question now
        return null;
      }
      if (WATCH_ENDS.has(verb)) {
        this.mode = 'off';
        return null;
      }
    }
    if (start < chunk.length && this.head.length < VERB_BYTES) this.head += chunk.subarray(start, start + VERB_BYTES - this.head.length).toString('latin1');
    if (this.dialogue >= this.maxDialogueBytes) this.mode = 'off';
    return null;
  }

  /** Index just past the end-of-data terminator in this content read, or -1 (then the tail is kept). */
  private endOfData(chunk: Buffer): number {
    // A terminator that starts in the previous read's tail ends within the first 4 bytes of this one.
    const joint = Buffer.concat([this.tail, chunk.subarray(0, END_OF_DATA.length - 1)]);
    const across = joint.indexOf(END_OF_DATA);
    if (across >= 0) return across + END_OF_DATA.length - this.tail.length;
    const within = chunk.indexOf(END_OF_DATA);
    if (within >= 0) return within + END_OF_DATA.length;
    const keep = END_OF_DATA.length - 1;
    // Copied, so that the tail does not hold the whole read in memory.
    this.tail = Buffer.from(chunk.length >= keep ? chunk.subarray(chunk.length - keep) : joint.subarray(Math.max(0, joint.length - keep)));
    return -1;
  }

  private report(detail: string): string {
    this.mode = 'off';
    return detail;
  }
}

/** The bytes from `start` as they appear in a detail: escaped, bounded, AUTH credentials withheld. */
function quote(chunk: Buffer, start: number, afterAuth = false): string {
  return escapeBytes(withoutCredentials(chunk.subarray(start, start + QUOTE_MAX_CHARS), afterAuth), QUOTE_MAX_CHARS);
}

/** The command verb of a line start: the first word, upper-cased, without a trailing CR. */
function verbOf(start: string): string {
  const m = /^[A-Za-z]+/.exec(start);
  return m === null ? '' : m[0].toUpperCase();
}
