// Spots clients that send ahead of our replies where SMTP forbids it (PIPELINING_VIOLATION), one read at a time.
import { escapeBytes } from './http-detect.js';

/**
 * Commands that must end a pipelined group even when PIPELINING is offered (RFC 2920 3.1: EHLO, DATA,
 * VRFY, EXPN, TURN, QUIT, NOOP; STARTTLS by RFC 3207 4.2, AUTH by RFC 4954 4; HELO/LHLO/BDAT change
 * state as EHLO does). Bytes after one of them in the same read were sent before its reply.
 */
const MUST_END_GROUP = new Set(['EHLO', 'HELO', 'LHLO', 'DATA', 'BDAT', 'VRFY', 'EXPN', 'TURN', 'QUIT', 'NOOP', 'STARTTLS', 'AUTH']);
/** After these the bytes are message content or a TLS handshake: the dialogue part ends here. */
const DIALOGUE_ENDS = new Set(['DATA', 'BDAT', 'STARTTLS']);
/** Bytes of a line start kept across reads: enough for the longest verb (STARTTLS) and its delimiter. */
const VERB_BYTES = 9;
/** Escaped characters of the offending bytes quoted in the anomaly detail. */
const QUOTE_MAX_CHARS = 80;

/**
 * Reads the client's bytes read by read (each `read()` is one socket read) until the first DATA, BDAT
 * or STARTTLS, or `maxBytes`. A client that waits for replies never has bytes behind a complete command
 * line in the same read, because the next line is only written after the reply. So bytes behind a
 * command line in one read are a violation when PIPELINING is not in force (no EHLO yet, or HELO: the
 * extension is only offered in the EHLO reply), or when the command must end a group (DATA: message
 * content before our 354). MAIL/RCPT/RSET groups ending in DATA after EHLO are RFC 2920 pipelining.
 * Cheap: one indexOf per line and a few bytes of state; it reports the first violation and stops.
 */
export class PipeliningWatch {
  private ehlo = false;
  private head = '';
  private seen = 0;
  private done = false;

  constructor(private readonly maxBytes: number) {}

  get finished(): boolean {
    return this.done;
  }

  /** One socket read; returns the anomaly detail the first time a violation shows, else null. */
  read(chunk: Buffer): string | null {
    if (this.done) return null;
    // Lines starting beyond the byte budget are not looked at: one huge read costs no more than the budget.
    const budget = this.maxBytes - this.seen;
    this.seen += chunk.length;
    let start = 0;
    for (;;) {
      const nl = start < budget ? chunk.indexOf(0x0a, start) : -1;
      if (nl < 0) break;
      const verb = verbOf(this.head + chunk.subarray(start, Math.min(nl, start + VERB_BYTES)).toString('latin1'));
      this.head = '';
      start = nl + 1;
      const ends = DIALOGUE_ENDS.has(verb);
      if (ends) this.done = true;
      if (start < chunk.length) {
        const behind = escapeBytes(chunk.subarray(start, start + QUOTE_MAX_CHARS), QUOTE_MAX_CHARS);
        if (verb === 'DATA') return this.report(`message content in the same read as DATA, before the 354 reply: ${behind}`);
        if (!this.ehlo) return this.report(`"${behind}" sent before the reply to ${verb || 'an empty line'} (PIPELINING not offered)`);
        if (MUST_END_GROUP.has(verb)) return this.report(`"${behind}" sent before the reply to ${verb} (it must end a pipelined group, RFC 2920)`);
      }
      if (verb === 'EHLO') this.ehlo = true;
      else if (verb === 'HELO' || verb === 'LHLO') this.ehlo = false;
      if (ends) return null;
    }
    if (start < chunk.length && this.head.length < VERB_BYTES) this.head += chunk.subarray(start, start + VERB_BYTES - this.head.length).toString('latin1');
    if (this.seen >= this.maxBytes) this.done = true;
    return null;
  }

  private report(detail: string): string {
    this.done = true;
    return detail;
  }
}

/** The command verb of a line start: the first word, upper-cased, without a trailing CR. */
function verbOf(start: string): string {
  const m = /^[A-Za-z]+/.exec(start);
  return m === null ? '' : m[0].toUpperCase();
}
