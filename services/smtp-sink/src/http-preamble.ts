// Consumes the HTTP POST/PUT preamble an open proxy forwards to port 25 ahead of the spamware's SMTP dialogue.
import { detectHttp, escapeBytes } from './http-detect.js';

/** Methods whose request can carry a body: through an open proxy that body is an SMTP dialogue. */
const BODY_METHODS = ['POST ', 'PUT '];
/** Characters of the request target kept in the summary (the anomaly detail is bounded again later). */
const TARGET_MAX_CHARS = 200;
/** Characters of one header name kept; real names are short, a longer "name" is junk. */
const HEADER_NAME_MAX_CHARS = 40;
/** An RFC 9110 field name (token) followed by a colon. */
const HEADER_NAME = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):/;

/** What the first client line says about the session: still unknown, an HTTP body-carrying request, or anything else. */
export type FirstLineKind = 'wait' | 'preamble' | 'smtp';

/**
 * Classify the bytes a client sent first. `wait` while they may still become a POST/PUT request line
 * (a prefix of the method, or the method and no line end yet, within `maxBytes`); `preamble` when the
 * first complete line is one; `smtp` otherwise (smtp-server takes the bytes, as for any client).
 */
export function firstLineKind(buf: Buffer, maxBytes: number): FirstLineKind {
  const nl = buf.indexOf(0x0a);
  const head = buf.subarray(0, Math.min(buf.length, 5)).toString('latin1').toUpperCase();
  if (!BODY_METHODS.some((m) => m.startsWith(head.slice(0, m.length)))) return 'smtp';
  if (nl < 0) return buf.length <= maxBytes ? 'wait' : 'smtp';
  if (nl + 1 > maxBytes) return 'smtp';
  const http = detectHttp(lineText(buf.subarray(0, nl + 1)));
  return http !== null && (http.method === 'POST' || http.method === 'PUT') ? 'preamble' : 'smtp';
}

/** One step of the consumer: the complete lines it took (terminators included), then its state. */
export type PreambleStep =
  | { kind: 'more'; lines: Buffer[] }
  | { kind: 'done'; lines: Buffer[]; rest: Buffer }
  | { kind: 'over'; lines: Buffer[]; why: string };

/**
 * Incremental consumer of an HTTP request preamble: the request line, header lines, and the blank
 * line that ends them (CRLF or bare LF, as smtp-server and Postfix read lines). Bytes after the
 * blank line are the `rest`, handed on untouched. Holds at most `maxBytes`; more bytes or more than
 * `maxLines` lines before the blank line end it as `over`.
 */
export class HttpPreamble {
  private partial: Buffer = Buffer.alloc(0);
  private bytes = 0;
  private lineCount = 0;
  private finished = false;
  private method = '';
  private target = '';
  private readonly names: string[] = [];

  constructor(
    private readonly maxBytes: number,
    private readonly maxLines: number,
  ) {}

  push(chunk: Buffer): PreambleStep {
    if (this.finished) throw new Error('HttpPreamble: push after the end');
    const buf = this.partial.length === 0 ? chunk : Buffer.concat([this.partial, chunk]);
    const lines: Buffer[] = [];
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(0x0a, start);
      if (nl < 0) break;
      const line = buf.subarray(start, nl + 1);
      start = nl + 1;
      this.bytes += line.length;
      this.lineCount++;
      if (this.bytes > this.maxBytes) return this.over(lines, `more than ${this.maxBytes} bytes`);
      if (this.lineCount > this.maxLines) return this.over(lines, `more than ${this.maxLines} lines`);
      lines.push(line);
      const text = lineText(line);
      if (this.lineCount === 1) this.noteRequestLine(text);
      else if (text === '') {
        this.finished = true;
        this.partial = Buffer.alloc(0);
        return { kind: 'done', lines, rest: buf.subarray(start) };
      } else this.noteHeader(text);
    }
    // Copy: the partial line must not pin the caller's (possibly large) chunk.
    this.partial = Buffer.from(buf.subarray(start));
    if (this.bytes + this.partial.length > this.maxBytes) return this.over(lines, `more than ${this.maxBytes} bytes`);
    return { kind: 'more', lines };
  }

  /** Lines taken so far (request line and blank line included). */
  get lines(): number {
    return this.lineCount;
  }

  /** The request in one printable line: method, target, header names in order, lines, bytes. */
  summary(): string {
    const target = escapeBytes(Buffer.from(this.target, 'latin1'), TARGET_MAX_CHARS);
    return `${this.method} target=${target} headers=${this.names.join(',')} lines=${this.lineCount} bytes=${this.bytes}`;
  }

  private over(lines: Buffer[], why: string): PreambleStep {
    this.finished = true;
    this.partial = Buffer.alloc(0);
    return { kind: 'over', lines, why };
  }

  private noteRequestLine(text: string): void {
    const http = detectHttp(text);
    this.method = http?.method ?? '?';
    this.target = http?.target ?? '';
  }

  private noteHeader(text: string): void {
    const m = HEADER_NAME.exec(text);
    // Continuation lines (obs-fold) and junk lines are consumed but name nothing.
    if (m !== null) this.names.push(escapeBytes(Buffer.from(m[1]!, 'latin1'), HEADER_NAME_MAX_CHARS));
  }
}

/** The reply Postfix's smtpd gives a preamble line: an empty line is "bad syntax", any other an unknown command. */
export function preambleReply(line: Buffer): string {
  return lineText(line) === '' ? '500 5.5.2 Error: bad syntax' : '502 5.5.2 Error: command not recognized';
}

/** A line without its LF or CRLF terminator, as latin1 text. */
function lineText(line: Buffer): string {
  let end = line.length;
  if (end > 0 && line[end - 1] === 0x0a) end--;
  if (end > 0 && line[end - 1] === 0x0d) end--;
  return line.subarray(0, end).toString('latin1');
}
