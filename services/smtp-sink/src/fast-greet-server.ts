// SMTPServer whose connections greet as soon as our front door hands them over (no fixed 100 ms pause).
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { SMTPServer } from 'smtp-server';
import { SMTPConnection, type SMTPConnectionOptions } from 'smtp-server/lib/smtp-connection.js';

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
  override connect(socket: Socket | TLSSocket, socketOptions?: SMTPConnectionOptions | null): void {
    const connection = new SMTPConnection(this, socket, socketOptions);
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
