// Per-connection evidence: who connected, what odd things they did, the first bytes they sent; builds the records.
import type { RawFacts, SessionAnomaly, SessionEvidenceRecord, SmtpSessionFacts } from '@spamtrap/contracts';
import { newEvidenceId } from '@spamtrap/contracts';
import { redactLine, saslMechanism } from './credentials.js';
import { detectHttp, escapeBytes, splitLines, type HttpKind } from './http-detect.js';
import { ANOMALY_DETAIL_MAX_CHARS, HELO_MAX_CHARS, MAX_ANOMALIES, TRANSCRIPT_MAX_BYTES, TRANSCRIPT_MAX_LINES } from './limits.js';
import type { PipeliningWatch } from './pipelining-watch.js';

export interface Endpoint {
  ip: string;
  port: number;
}

/** What a transaction adds to the connection's facts when its message is accepted. */
export interface TransactionFacts {
  evidenceId: string;
  transaction: number;
  acceptedAt: string;
  helo: string | null;
  heloVerb: SmtpSessionFacts['heloVerb'];
  tls: SmtpSessionFacts['tls'];
  mailFrom: string;
  rcptTo: string[];
  size: number;
  sha256: string;
}

/** One TCP connection as the sink saw it, from accept to close. */
export class ConnectionRecord {
  readonly openedAt = new Date();
  readonly anomalies: SessionAnomaly[] = [];
  helo: string | null = null;
  messages = 0;
  /** The session's pipelining watch (front-door.ts); null until smtp-server has the socket. */
  pipelining: PipeliningWatch | null = null;
  /** Anomalies [0, carried) already went out inside a raw record. */
  private carried = 0;
  private transcriptBytes: Buffer[] = [];
  private transcriptLen = 0;
  private tapDone = false;
  private linesChecked = 0;
  private dropped = 0;
  /** Mechanisms already recorded as AUTH_ATTEMPT: a bot retrying the same one adds nothing new. */
  private authMechanisms: Set<string> | null = null;

  constructor(
    readonly sinkId: string,
    readonly connectionId: string,
    public peer: Endpoint,
    public local: Endpoint,
    public proxiedBy: Endpoint | null,
  ) {}

  /** Milliseconds since accept. */
  elapsedMs(): number {
    return Date.now() - this.openedAt.getTime();
  }

  /** Told of every anomaly observed, also past the per-session cap (the sink counts them in its metrics). */
  onAnomaly: ((code: string) => void) | null = null;

  addAnomaly(code: string, detail?: string): void {
    this.onAnomaly?.(code);
    if (this.anomalies.length >= MAX_ANOMALIES) {
      this.dropped++;
      return;
    }
    const a: SessionAnomaly = { code, atMs: this.elapsedMs() };
    if (detail !== undefined) a.detail = detail.length > ANOMALY_DETAIL_MAX_CHARS ? detail.slice(0, ANOMALY_DETAIL_MAX_CHARS) + '…' : detail;
    this.anomalies.push(a);
  }

  /** smtp-server answers a DATA with 354 (the onData hook): the watch now reads message content. */
  noteDataAccepted(): void {
    const v = this.pipelining?.dataAccepted() ?? null;
    if (v !== null) this.addAnomaly('PIPELINING_VIOLATION', v);
  }

  /**
   * The client sent AUTH (answered 503: authentication is not offered). `line` is the whole command line;
   * only its mechanism is kept (AUTH_ATTEMPT, once per mechanism): the rest is a credential.
   */
  noteAuthAttempt(line: string): void {
    const mechanism = saslMechanism(line);
    this.authMechanisms ??= new Set();
    if (this.authMechanisms.has(mechanism)) return;
    this.authMechanisms.add(mechanism);
    this.addAnomaly('AUTH_ATTEMPT', mechanism);
  }

  /**
   * Feed client bytes (the tap stops after TRANSCRIPT_MAX_BYTES). Returns the HTTP request lines
   * found among the newly completed lines, so the caller can count and close.
   */
  feed(chunk: Buffer): { code: HttpKind; line: string }[] {
    if (this.tapDone) return [];
    const room = TRANSCRIPT_MAX_BYTES - this.transcriptLen;
    const piece = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.transcriptBytes.push(Buffer.from(piece));
    this.transcriptLen += piece.length;
    if (this.transcriptLen >= TRANSCRIPT_MAX_BYTES) this.tapDone = true;
    const all = Buffer.concat(this.transcriptBytes, this.transcriptLen);
    this.transcriptBytes = [all];
    const lines = splitLines(all, TRANSCRIPT_MAX_LINES);
    // Only complete lines are judged; the last one is complete when the data ends with LF.
    const complete = all[all.length - 1] === 0x0a ? lines.length : lines.length - 1;
    const found: { code: HttpKind; line: string }[] = [];
    for (; this.linesChecked < complete; this.linesChecked++) {
      const line = lines[this.linesChecked]!;
      const text = line.toString('latin1');
      const http = detectHttp(text);
      if (http !== null) found.push({ code: http.code, line: escapeBytes(line, ANOMALY_DETAIL_MAX_CHARS) });
      // The HELO of a session that delivers nothing is only known from here (smtp-server has no HELO hook).
      const helo = /^(?:HELO|EHLO|LHLO) +(.*)$/i.exec(text);
      if (helo !== null && this.helo === null) this.helo = boundHelo(helo[1]!.trim());
      // After STARTTLS the bytes are a TLS handshake, after DATA/BDAT they are the message (a body line
      // reading "GET / HTTP/1.1" is content, not a request): the dialogue part of the transcript ends.
      if (/^(STARTTLS|DATA|BDAT)\b/i.test(text)) {
        this.tapDone = true;
        this.linesChecked++;
        break;
      }
    }
    if (complete >= TRANSCRIPT_MAX_LINES) this.tapDone = true;
    return found;
  }

  /** True once the transcript tap has seen all it keeps. */
  tapFinished(): boolean {
    return this.tapDone;
  }

  /** The first line the client sent, complete or not (latin1), for PROXY-header checks. */
  firstLine(): string | null {
    const first = this.transcriptBytes[0];
    if (first === undefined || first.length === 0) return null;
    return splitLines(first, 1)[0]!.toString('latin1');
  }

  /** The transcript lines, escaped, with AUTH responses and the lines answering AUTH withheld. */
  transcript(): string[] {
    const all = this.transcriptBytes[0] ?? Buffer.alloc(0);
    let afterAuth = false;
    return splitLines(all, TRANSCRIPT_MAX_LINES).map((l) => {
      const r = redactLine(l.toString('latin1'), afterAuth);
      afterAuth = r.afterAuth;
      return escapeBytes(Buffer.from(r.line, 'latin1'), ANOMALY_DETAIL_MAX_CHARS);
    });
  }

  carriedCount(): number {
    return this.carried;
  }

  /** Undo rawFacts' marking when the record never reached Kafka. */
  uncarry(to: number): void {
    this.carried = Math.min(this.carried, to);
  }

  /** True when some anomaly was not carried by any raw record: worth a session record at close. */
  hasUncarriedAnomalies(): boolean {
    return this.anomalies.length > this.carried || this.dropped > 0;
  }

  /** Facts for one accepted message; marks the anomalies so far as carried. */
  rawFacts(t: TransactionFacts, trusted: string[]): RawFacts {
    this.carried = this.anomalies.length;
    return {
      v: 1,
      evidenceId: t.evidenceId,
      source: 'smtp',
      size: t.size,
      sha256: t.sha256,
      trusted,
      smtp: {
        sinkId: this.sinkId,
        connectionId: this.connectionId,
        transaction: t.transaction,
        acceptedAt: t.acceptedAt,
        peer: this.peer,
        local: this.local,
        proxiedBy: this.proxiedBy,
        helo: t.helo,
        heloVerb: t.heloVerb,
        tls: t.tls,
        mailFrom: t.mailFrom,
        rcptTo: t.rcptTo,
        anomalies: this.anomalies.slice(),
      },
      import: null,
    };
  }

  sessionRecord(closedAt: Date): SessionEvidenceRecord {
    const anomalies = this.anomalies.slice();
    if (this.dropped > 0) anomalies.push({ code: 'ANOMALIES_TRUNCATED', detail: `${this.dropped} more not kept` });
    return {
      v: 1,
      evidenceId: newEvidenceId(closedAt.getTime()),
      sinkId: this.sinkId,
      connectionId: this.connectionId,
      openedAt: this.openedAt.toISOString(),
      closedAt: closedAt.toISOString(),
      peer: this.peer,
      local: this.local,
      proxiedBy: this.proxiedBy,
      helo: this.helo,
      anomalies,
      transcript: this.transcript(),
      messages: this.messages,
    };
  }
}

/** HELO argument as sent, bounded. */
export function boundHelo(h: string | false | undefined | null): string | null {
  if (h === false || h === undefined || h === null || h === '') return null;
  return h.length > HELO_MAX_CHARS ? h.slice(0, HELO_MAX_CHARS) : h;
}
