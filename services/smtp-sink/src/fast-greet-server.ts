// SMTPServer whose connections greet as soon as our front door hands them over (no fixed 100 ms pause) and answer AUTH as Postfix does without SASL.
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { SMTPConnection, type SMTPConnectionOptions } from 'smtp-server/lib/smtp-connection.js';

export interface FastGreetHooks {
  /** A client sent AUTH (answered 503). `line` is the whole command line, credentials included: keep only the mechanism. */
  onAuthAttempt?: (session: SMTPServerSession, line: string) => void;
}

/**
 * smtp-server's connection with one handler replaced (handler_AUTH is a public method of SMTPConnection):
 * AUTH is answered `503 5.5.1 Error: authentication not enabled`, Postfix's reply when SASL is off,
 * instead of smtp-server's generic `500 Error: command not recognized` for a disabled command. A trap
 * authenticates nobody; the attempt is reported (credential-stuffing bots are evidence), not the
 * credentials. The enhanced code is in the text: smtp-server adds none by default.
 */
class SinkConnection extends SMTPConnection {
  onAuthAttempt: FastGreetHooks['onAuthAttempt'];

  override handler_AUTH(command: Buffer, callback: () => void): void {
    this.send(503, '5.5.1 Error: authentication not enabled', false);
    this.onAuthAttempt?.(this.session, command.toString('latin1'));
    callback();
  }
}

/**
 * smtp-server 3.21.6 greets only after `setTimeout(() => this.connectionReady(), 100)` in
 * `SMTPConnection.init()`, which caps one-message-per-connection throughput at ~9.5 msgs/s per
 * concurrent connection. The sink does its own pre-greeting watch (front-door.ts) before handing
 * the socket over, so the pause has no job left. This replaces `SMTPServer.connect` (public API,
 * same four steps as the library's own) and calls the public `connectionReady()` at once; the
 * library's timer still fires 100 ms later and its call is made a no-op on this instance only.
 * Nothing private is called or patched; `test/fast-greet.test.ts` fails if a new release changes
 * the behaviour (double greeting or a pause).
 */
export class FastGreetServer extends SMTPServer {
  /**
   * With AUTH not in `disabledCommands`, AUTH reaches SinkConnection.handler_AUTH (503). It is still never
   * offered: smtp-server lists AUTH in the EHLO reply whenever `authMethods` is non-empty, and its
   * constructor turns an empty list into LOGIN, PLAIN, so the (public, resolved) list is emptied here.
   * `test/sink.integration.test.ts` fails if a release offers AUTH again or answers it differently.
   */
  constructor(
    options: SMTPServerOptions,
    private readonly hooks: FastGreetHooks = {},
  ) {
    super(options);
    this.options.authMethods = [];
  }

  override connect(socket: Socket | TLSSocket, socketOptions?: SMTPConnectionOptions | null): void {
    const connection = new SinkConnection(this, socket, socketOptions);
    connection.onAuthAttempt = this.hooks.onAuthAttempt;
    this.connections.add(connection);
    connection.on('error', (err: Error) => this.emit('error', err));
    connection.on('connect', (data: unknown) => this.emit('connect', data));
    const ready = connection.connectionReady.bind(connection);
    let greeted = false;
    connection.connectionReady = (next?: () => void): void => {
      if (greeted) return;
      greeted = true;
      ready(next);
    };
    connection.init();
    // init() refuses at once (421) when maxClients is exceeded and closes; only greet a live one.
    if (this.connections.has(connection) && !socket.destroyed) connection.connectionReady();
  }

  /**
   * `connect`, but smtp-server's command parser is not attached yet: the session greets at once, and the
   * front door reads the client's first line itself (an HTTP POST preamble is answered and consumed
   * there, see front-door.ts). The returned function attaches the parser; bytes the front door puts
   * back with `socket.unshift` before calling it are the parser's first input. smtp-server attaches it
   * with the one `socket.pipe(parser)` in `init()`; that call is caught by an own property on this
   * socket for the duration of `connect` only (nothing of the library is patched), and
   * `test/http-preamble.integration.test.ts` fails if a release attaches its parser another way.
   */
  connectHeld(socket: Socket | TLSSocket, socketOptions: SMTPConnectionOptions): () => void {
    let parser: NodeJS.WritableStream | null = null;
    const hold = <T extends NodeJS.WritableStream>(dest: T): T => {
      parser = dest;
      return dest;
    };
    Object.defineProperty(socket, 'pipe', { value: hold, configurable: true, writable: true });
    try {
      this.connect(socket, socketOptions);
    } finally {
      Reflect.deleteProperty(socket, 'pipe');
    }
    const held = parser as NodeJS.WritableStream | null;
    if (held === null && !socket.destroyed) throw new Error('smtp-server did not pipe the socket to its parser during connect()');
    return () => {
      if (held !== null && !socket.destroyed) socket.pipe(held);
    };
  }
}
