// Accepts TCP/TLS sockets before smtp-server sees them: limits, PROXY v1 from trusted fronts, pre-greeting watch, first line.
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { SinkContext } from './context.js';
import { withoutCredentials } from './credentials.js';
import type { FastGreetServer } from './fast-greet-server.js';
import { escapeBytes } from './http-detect.js';
import { HttpPreamble, firstLineKind, preambleReply } from './http-preamble.js';
import {
  ANOMALY_DETAIL_MAX_CHARS,
  HTTP_PREAMBLE_MAX_BYTES,
  HTTP_PREAMBLE_MAX_LINES,
  HTTP_PREAMBLE_TIMEOUT_MS,
  PIPELINING_WATCH_MAX_BYTES,
  PROXY_HEADER_TIMEOUT_MS,
  PROXY_V1_MAX_BYTES,
} from './limits.js';
import { PipeliningWatch } from './pipelining-watch.js';
import { normalizeIp, parseProxyV1 } from './proxy-header.js';
import { ConnectionRecord, type Endpoint } from './session-recorder.js';

/** Bytes kept from a client that talks during the pre-greeting window (replayed to smtp-server or logged). */
const PREGREET_MAX_BYTES = 64 * 1024;
/** How long a refused socket may linger so its one reply line gets out. */
const REFUSE_LINGER_MS = 1000;

export class FrontDoor {
  private open = 0;
  /** Plain sockets still in the PROXY or pre-greeting phase, closed at once on shutdown. */
  private readonly waiting = new Set<Socket>();
  private readonly proxyFrom: Set<string>;

  constructor(
    private readonly ctx: SinkContext,
    private readonly servers: { plain: FastGreetServer; tls: FastGreetServer | null },
    /** Socket of each live SMTP session by connection id (data timeouts and shutdown close them). */
    readonly sockets: Map<string, Socket>,
    private readonly onClosed: (rec: ConnectionRecord) => void,
  ) {
    this.proxyFrom = new Set(ctx.config.proxyFrom.map(normalizeIp));
  }

  get openConnections(): number {
    return this.open;
  }

  /** Entry point for every accepted socket (`tls` = already through the SMTPS handshake). */
  accept(socket: Socket, kind: 'plain' | 'tls'): void {
    this.guarded(socket, () => this.acceptUnguarded(socket, kind));
  }

  /** A bug met by one connection closes that connection; it must not take the process down. */
  private guarded(socket: Socket, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.ctx.logger.error({ err }, 'front door failed; closing the connection');
      socket.destroy();
    }
  }

  private acceptUnguarded(socket: Socket, kind: 'plain' | 'tls'): void {
    const { ctx } = this;
    ctx.metrics.connectionsTotal.inc();
    socket.on('error', (err) => ctx.logger.debug({ err }, 'socket error'));
    const name = ctx.config.serverName;
    if (ctx.draining) return this.refuse(socket, `421 4.3.2 ${name} Service shutting down, try again later`, 'draining');
    if (this.open >= ctx.config.maxConnections) return this.refuse(socket, `421 4.7.0 ${name} Too many connections, try again later`, 'max_connections');
    if (ctx.budget.nearlyFull(ctx.config.maxMessageBytes)) return this.refuse(socket, `421 4.3.1 ${name} Insufficient system resources, try again later`, 'memory');
    this.open++;
    ctx.metrics.connectionsOpen.inc();
    socket.once('close', () => {
      this.open--;
      ctx.metrics.connectionsOpen.dec();
    });
    const socketPeer: Endpoint = { ip: normalizeIp(socket.remoteAddress), port: socket.remotePort ?? 0 };
    const local: Endpoint = { ip: normalizeIp(socket.localAddress), port: socket.localPort ?? 0 };
    if (kind === 'plain' && this.proxyFrom.has(socketPeer.ip)) this.readProxyHeader(socket, socketPeer, local);
    else this.start(socket, kind, socketPeer, local, null, Buffer.alloc(0));
  }

  /** Close every socket that has not reached smtp-server yet (shutdown). */
  closeWaiting(): void {
    for (const s of this.waiting) this.closeWith(s, `421 4.3.2 ${this.ctx.config.serverName} Service shutting down, try again later`);
  }

  private refuse(socket: Socket, line: string, reason: string): void {
    this.ctx.metrics.connectionsRefused.inc({ reason });
    this.closeWith(socket, line);
  }

  private closeWith(socket: Socket, line: string): void {
    this.waiting.delete(socket);
    if (!socket.destroyed && !socket.writableEnded) socket.end(line + '\r\n');
    socket.resume(); // read (and drop) whatever still comes, so the client's FIN is seen
    setTimeout(() => socket.destroy(), REFUSE_LINGER_MS).unref();
  }

  /** A trusted front must open with `PROXY ...\r\n`; its claim replaces the socket's peer address. */
  private readProxyHeader(socket: Socket, front: Endpoint, local: Endpoint): void {
    this.waiting.add(socket);
    let buf = Buffer.alloc(0);
    const fail = (why: string): void => {
      cleanup();
      const rec = this.newRecord(front, local, null);
      rec.addAnomaly('PROXY_HEADER_INVALID', `${why}: ${clientBytes(buf)}`);
      rec.feed(buf);
      this.track(socket, rec);
      this.refuse(socket, `421 4.7.0 ${this.ctx.config.serverName} Invalid PROXY protocol header`, 'proxy_invalid');
    };
    const onData = (chunk: Buffer): void => this.guarded(socket, () => onDataUnguarded(chunk));
    const onDataUnguarded = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      const nl = buf.indexOf(0x0a);
      if (nl < 0) {
        if (buf.length > PROXY_V1_MAX_BYTES) fail('no header line within 107 bytes');
        return;
      }
      const line = buf.subarray(0, nl > 0 && buf[nl - 1] === 0x0d ? nl - 1 : nl).toString('latin1');
      const header = parseProxyV1(line);
      if (header === null || nl + 1 > PROXY_V1_MAX_BYTES) return fail('not a PROXY v1 header');
      cleanup();
      const rest = buf.subarray(nl + 1);
      if (header.kind === 'unknown') this.start(socket, 'plain', front, local, null, rest);
      else this.start(socket, 'plain', { ip: normalizeIp(header.srcIp), port: header.srcPort }, { ip: normalizeIp(header.dstIp), port: header.dstPort }, front, rest);
    };
    const timer = setTimeout(() => fail('timeout waiting for the header'), PROXY_HEADER_TIMEOUT_MS);
    const cleanup = (): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', cleanup);
    };
    socket.on('data', onData);
    socket.once('close', cleanup);
  }

  private newRecord(peer: Endpoint, local: Endpoint, proxiedBy: Endpoint | null): ConnectionRecord {
    const rec = new ConnectionRecord(this.ctx.config.sinkId, randomUUID(), peer, local, proxiedBy);
    const counter = this.ctx.metrics.anomalies;
    rec.onAnomaly = (code) => counter.inc({ code });
    return rec;
  }

  /** Register a record for the life of the socket; at close it may become a session record. */
  private track(socket: Socket, rec: ConnectionRecord): void {
    this.ctx.records.set(rec.connectionId, rec);
    socket.once('close', () => {
      this.ctx.records.delete(rec.connectionId);
      this.sockets.delete(rec.connectionId);
      this.waiting.delete(socket);
      this.onClosed(rec);
    });
  }

  /** Per-IP limit, then the pre-greeting window (if any), then hand over to smtp-server. */
  private start(socket: Socket, kind: 'plain' | 'tls', peer: Endpoint, local: Endpoint, proxiedBy: Endpoint | null, early: Buffer): void {
    const { ctx } = this;
    if (!ctx.perIp.tryAdd(peer.ip, ctx.config.maxConnectionsPerIp)) {
      return this.refuse(socket, `421 4.7.0 ${ctx.config.serverName} Too many connections from your address, try again later`, 'per_ip');
    }
    socket.once('close', () => ctx.perIp.remove(peer.ip));
    const rec = this.newRecord(peer, local, proxiedBy);
    this.track(socket, rec);
    if (ctx.config.pregreetMs === 0 && early.length === 0) return this.handover(socket, kind, rec, Buffer.alloc(0), 0);
    this.waiting.add(socket);
    const chunks: Buffer[] = early.length > 0 ? [early] : [];
    let size = early.length;
    const onData = (chunk: Buffer): void => {
      if (size >= PREGREET_MAX_BYTES) return;
      chunks.push(chunk);
      size += chunk.length;
    };
    socket.on('data', onData);
    const timer = setTimeout(() => {
      socket.off('data', onData);
      socket.off('close', onClose);
      this.waiting.delete(socket);
      this.guarded(socket, () => this.afterWindow(socket, kind, rec, Buffer.concat(chunks, size)));
    }, ctx.config.pregreetMs);
    const onClose = (): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      // Gone before the greeting: whatever it sent is the evidence.
      if (size > 0) this.recordEarly(rec, Buffer.concat(chunks, size));
    };
    socket.once('close', onClose);
  }

  /** Record an early talker; returns true when an HTTP request line was among its bytes. */
  private recordEarly(rec: ConnectionRecord, early: Buffer): boolean {
    this.ctx.metrics.earlyTalkers.inc();
    rec.addAnomaly('EARLY_TALKER', clientBytes(early));
    return this.noteHttp(rec, rec.feed(early)) || this.noteUntrustedProxy(rec);
  }

  private noteHttp(rec: ConnectionRecord, found: { code: string; line: string }[]): boolean {
    for (const h of found) {
      rec.addAnomaly(h.code, h.line);
      this.ctx.metrics.httpRequests.inc({ kind: h.code });
    }
    return found.length > 0;
  }

  /** A PROXY header from a peer that is not a trusted front: a spoofing attempt, refused. */
  private noteUntrustedProxy(rec: ConnectionRecord): boolean {
    const first = rec.firstLine();
    if (first === null || !first.startsWith('PROXY ')) return false;
    if (rec.anomalies.some((a) => a.code === 'PROXY_HEADER_UNTRUSTED')) return true;
    rec.addAnomaly('PROXY_HEADER_UNTRUSTED', escapeBytes(Buffer.from(first, 'latin1'), ANOMALY_DETAIL_MAX_CHARS));
    return true;
  }

  private afterWindow(socket: Socket, kind: 'plain' | 'tls', rec: ConnectionRecord, early: Buffer): void {
    if (socket.destroyed) return;
    const name = this.ctx.config.serverName;
    if (early.length === 0) return this.handover(socket, kind, rec, early, 0);
    const continues = this.ctx.config.earlyTalker === 'continue';
    if (continues && firstLineKind(early, HTTP_PREAMBLE_MAX_BYTES) !== 'smtp') {
      // A POST/PUT (or what may still become one): an open proxy forwarding SMTP. The handover greets,
      // consumes the HTTP preamble and takes the dialogue behind it; the record is fed there.
      this.ctx.metrics.earlyTalkers.inc();
      rec.addAnomaly('EARLY_TALKER', clientBytes(early));
      return this.handover(socket, kind, rec, early, 0);
    }
    if (this.recordEarly(rec, early)) {
      const http = rec.anomalies.some((a) => a.code === 'HTTP_REQUEST' || a.code === 'PROXY_CONNECT');
      return this.refuse(socket, http ? `554 5.7.0 ${name} HTTP and proxy requests are not accepted here` : `554 5.7.0 ${name} PROXY header not accepted from your address`, http ? 'http' : 'proxy_untrusted');
    }
    if (!continues) return this.refuse(socket, `554 5.5.1 ${name} Protocol error: you talked before the greeting`, 'early_talker');
    this.handover(socket, kind, rec, early, early.length);
  }

  /**
   * Give the socket to smtp-server, which greets at once (fast-greet-server.ts), but keep its command
   * parser detached until the client's first line is known: a POST/PUT request line starts an HTTP
   * preamble the front door answers and consumes itself; anything else goes to smtp-server untouched.
   * `early` = bytes already read (the pre-greeting window), of which the first `fed` went to the record.
   */
  private handover(socket: Socket, kind: 'plain' | 'tls', rec: ConnectionRecord, early: Buffer, fed: number): void {
    const server = kind === 'tls' ? this.servers.tls : this.servers.plain;
    if (server === null) {
      socket.destroy();
      return;
    }
    socket.pause();
    this.sockets.set(rec.connectionId, socket);
    const release = server.connectHeld(socket, { id: rec.connectionId, remoteAddress: rec.peer.ip, remotePort: rec.peer.port, localAddress: rec.local.ip, localPort: rec.local.port });
    /** Put `bytes` back in front of the socket, attach the parser (it reads them first) and start the tap. */
    const pass = (bytes: Buffer, skip: number): void => {
      if (socket.destroyed) return;
      if (bytes.length > 0) socket.unshift(bytes);
      this.tap(socket, rec, skip, release);
    };
    let buf = early;
    const route = (): void => {
      if (firstLineKind(buf, HTTP_PREAMBLE_MAX_BYTES) === 'smtp') pass(buf, fed);
      else this.takePreamble(socket, rec, buf, pass);
    };
    if (firstLineKind(buf, HTTP_PREAMBLE_MAX_BYTES) !== 'wait') return route();
    const onData = (chunk: Buffer): void =>
      this.guarded(socket, () => {
        buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
        if (firstLineKind(buf, HTTP_PREAMBLE_MAX_BYTES) === 'wait') return;
        stop();
        route();
      });
    // Gone before a whole first line: what it sent is still the transcript.
    const onClose = (): void => void this.noteHttp(rec, rec.feed(buf.subarray(fed)));
    const stop = (): void => {
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.pause();
    };
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.resume();
  }

  /**
   * An open proxy's POST/PUT: answer each preamble line as Postfix does (502, and 500 for the blank line),
   * record it, and pass the bytes behind the blank line to smtp-server, so the forwarded message is taken.
   * Over the limits (bytes, lines, time) the connection is refused like any other HTTP request.
   */
  private takePreamble(socket: Socket, rec: ConnectionRecord, first: Buffer, pass: (bytes: Buffer, skip: number) => void): void {
    const preamble = new HttpPreamble(HTTP_PREAMBLE_MAX_BYTES, HTTP_PREAMBLE_MAX_LINES);
    let ended = false;
    const step = (chunk: Buffer): void => {
      const s = preamble.push(chunk);
      for (const line of s.lines) {
        this.noteHttp(rec, rec.feed(line));
        if (!socket.destroyed && !socket.writableEnded) socket.write(preambleReply(line) + '\r\n');
      }
      if (s.kind === 'more') return;
      stop();
      if (s.kind === 'done') {
        rec.addAnomaly('HTTP_PREAMBLE', preamble.summary());
        return pass(s.rest, 0);
      }
      over(s.why);
    };
    const over = (why: string): void => {
      stop();
      rec.addAnomaly('HTTP_PREAMBLE', `${preamble.summary()} refused: ${why}`);
      this.refuse(socket, `554 5.7.0 ${this.ctx.config.serverName} HTTP and proxy requests are not accepted here`, 'http');
    };
    const onData = (chunk: Buffer): void => this.guarded(socket, () => step(chunk));
    const onClose = (): void => {
      stop();
      rec.addAnomaly('HTTP_PREAMBLE', `${preamble.summary()} incomplete: connection closed`);
    };
    const timer = setTimeout(() => this.guarded(socket, () => over(`no blank line within ${HTTP_PREAMBLE_TIMEOUT_MS} ms`)), HTTP_PREAMBLE_TIMEOUT_MS);
    const stop = (): void => {
      ended = true;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.pause();
    };
    socket.on('data', onData);
    socket.once('close', onClose);
    step(first);
    if (!ended) socket.resume();
  }

  /**
   * Watch what smtp-server reads: the bounded transcript (HELO, HTTP lines, untrusted PROXY) and the
   * pipelining watch for the whole session. `release` attaches smtp-server's parser.
   */
  private tap(socket: Socket, rec: ConnectionRecord, skip: number, release: () => void): void {
    const watch = new PipeliningWatch(PIPELINING_WATCH_MAX_BYTES);
    rec.pipelining = watch;
    /** The watch's verdict on the read in progress, held until the transcript tap knows whether it is HTTP. */
    let verdict: string | null = null;
    let transcribing = true;
    // Each 'data' event is one socket read (or the bytes the front door read and put back, all unanswered).
    // The watch reads it before smtp-server's parser does: smtp-server's onData tells the watch about a 354
    // (ConnectionRecord.noteDataAccepted) while parsing, and the watch must have seen that DATA line by then.
    const judge = (chunk: Buffer): void =>
      this.guarded(socket, () => {
        const v = watch.read(chunk);
        if (watch.finished) socket.off('data', judge);
        if (v === null) return;
        if (transcribing) verdict = v;
        else rec.addAnomaly('PIPELINING_VIOLATION', v);
      });
    socket.on('data', judge);
    release();
    const tap = (chunk: Buffer): void => this.guarded(socket, () => tapUnguarded(chunk));
    const tapUnguarded = (chunk: Buffer): void => {
      if (skip > 0) {
        const n = Math.min(skip, chunk.length);
        skip -= n;
        chunk = chunk.subarray(n); // already fed to the record by recordEarly()
      }
      let http = false;
      let proxy = false;
      if (chunk.length > 0 && !rec.tapFinished()) {
        http = this.noteHttp(rec, rec.feed(chunk));
        proxy = this.noteUntrustedProxy(rec);
      }
      // Not for an HTTP request or PROXY line: that client is refused as not speaking SMTP at all.
      const v = verdict;
      verdict = null;
      if (v !== null && !http && !proxy) rec.addAnomaly('PIPELINING_VIOLATION', v);
      if (rec.tapFinished()) {
        transcribing = false;
        socket.off('data', tap);
      }
      if (http || proxy) {
        socket.off('data', tap);
        socket.off('data', judge);
        // smtp-server has already answered the line (421 for most HTTP verbs, 500 for CONNECT/PROXY).
        this.ctx.metrics.connectionsRefused.inc({ reason: http ? 'http' : 'proxy_untrusted' });
        if (!socket.destroyed && !socket.writableEnded) socket.end(`554 5.7.0 ${this.ctx.config.serverName} Not an SMTP client, closing\r\n`);
        setTimeout(() => socket.destroy(), REFUSE_LINGER_MS).unref();
      }
    };
    socket.on('data', tap);
  }
}

/** Client bytes as an anomaly detail: escaped, bounded, credentials withheld (a bot may talk AUTH early). */
function clientBytes(bytes: Buffer): string {
  // One byte more than fits, so escapeBytes still marks a cut with its ellipsis.
  return escapeBytes(withoutCredentials(bytes.subarray(0, ANOMALY_DETAIL_MAX_CHARS + 1)), ANOMALY_DETAIL_MAX_CHARS);
}
