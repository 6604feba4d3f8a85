// Named limits on untrusted SMTP input, and the counters that enforce connection and memory bounds.
import { nominationKey } from '@spamtrap/ip';

/** Defaults of the configurable limits; each number is argued here and in docs/smtp-sink.md. */
export const DEFAULTS = {
  /** RFC 5321 4.5.3.1.8: a server must accept at least 100 recipients; a trap needs no more. */
  maxRecipients: 100,
  /** One Node process serves ~2-3k msgs/s; 1000 open sockets cover that at 300 ms per session with room to spare. */
  maxConnections: 1000,
  /** Postfix anvil's smtpd_client_connection_count_limit default (50). */
  maxConnectionsPerIp: 50,
  /** smtp-server's own default idle timeout (60 s); RFC 5321's 5 min is for MTAs that must wait, a trap need not. */
  commandTimeoutMs: 60_000,
  /** A DATA transfer of the 10 MB maximum at 50 kB/s takes ~200 s; 5 min bounds slow-drip (slowloris) senders. */
  dataTimeoutMs: 300_000,
  /** RFC 5321 allows 512 B command lines; ESMTP parameters stretch that; 4 KiB stops line-length floods early. */
  maxLineBytes: 4096,
  /**
   * Greeting pause. 0 ms: greet at once. Measured (docs/smtp-sink.md): every ms here costs
   * `concurrency / ms` of one-message-per-connection throughput, and bots that talk first send their
   * bytes right behind the TCP handshake, so a few ms catch them; see the benchmark table.
   */
  pregreetMs: 5,
  /** 128 MiB of message bytes in memory (12 maximum-size messages, ~60k spam-sized ones). */
  maxInflightBytes: 128 * 1024 * 1024,
  /** Kafka must ack within 10 s, else 451: a client retries later, well inside its own 10 min DATA timeout. */
  publishTimeoutMs: 10_000,
  /**
   * No linger before a produce request. SMTP clients wait for the 250 before their next message, so a
   * linger is pure added latency per message; sends already coalesce naturally because one produce
   * request is in flight at a time and everything that arrives meanwhile goes in the next one.
   * Measured (bench/smtp/profile.ts, 50 sessions, quieter box): linger 0 vs 5 ms halves the end-of-DATA
   * → ack latency (2.3 vs 5.3 ms at 2 KB) and gives +6-12% msgs/s; but more, smaller produce requests
   * cost up to ~1/3 more sink CPU per message, so a CPU-starved host may do better with 5 (docs/smtp-sink.md).
   */
  publishLingerMs: 0,
  /** SIGTERM: 30 s for transactions in flight, then the rest get 421. */
  drainTimeoutMs: 30_000,
} as const;

/** First bytes of a session kept for the transcript (escaped): enough for an HTTP request line and a few commands. */
export const TRANSCRIPT_MAX_BYTES = 1024;
/** Transcript lines kept; the rest of the session is not evidence of its kind. */
export const TRANSCRIPT_MAX_LINES = 16;
/** Escaped detail of one anomaly (e.g. the bytes an early talker sent). */
export const ANOMALY_DETAIL_MAX_CHARS = 512;
/** Anomalies kept per connection; a client repeating the same mistake does not grow memory. */
export const MAX_ANOMALIES = 32;
/** HELO/EHLO argument kept in facts (smtp-server itself refuses > 300). */
export const HELO_MAX_CHARS = 300;
/** PROXY v1 header is at most 107 bytes including CRLF (haproxy proxy-protocol.txt 2.1). */
export const PROXY_V1_MAX_BYTES = 107;
/** Time a trusted front gets to send its PROXY header. */
export const PROXY_HEADER_TIMEOUT_MS = 5_000;

/**
 * Bytes of an HTTP POST/PUT preamble (request line, header lines, blank line) the front door consumes
 * before the SMTP dialogue an open proxy forwards behind it. Spamware's proxied requests carry a few
 * hundred bytes of headers; 8 KiB is Apache's per-field default (LimitRequestFieldSize 8190) and
 * nginx's large header buffer, far above any real one. More: refused (554) like other HTTP.
 */
export const HTTP_PREAMBLE_MAX_BYTES = 8 * 1024;
/**
 * Lines of such a preamble, request line and blank line included. Each gets its own 502 reply;
 * proxies add well under 20 headers, and 64 bounds a client that sends header lines forever.
 */
export const HTTP_PREAMBLE_MAX_LINES = 64;
/**
 * Time from the request line to the blank line. A proxy forwards the request in one go, so anything
 * slower is a slow-drip client holding a connection with header lines (each would reset the idle timer).
 */
export const HTTP_PREAMBLE_TIMEOUT_MS = 30_000;
/**
 * Command bytes per session the pipelining watch judges (message content is not counted: the watch only
 * searches it for the end of data): 256 command lines of 64 bytes, i.e. the MAIL/RCPT/DATA of ~80 messages
 * in one session. A client still talking after that is not worth the scanning.
 */
export const PIPELINING_WATCH_MAX_BYTES = 16 * 1024;

/**
 * Bytes of message data the sink holds: counted while DATA streams in and until the Kafka ack
 * settles. `tryTake` refuses once the budget is used up, so a flood meets 451 instead of OOM.
 */
export class InflightBudget {
  private used = 0;
  constructor(readonly limit: number) {}

  tryTake(n: number): boolean {
    if (this.used + n > this.limit) return false;
    this.used += n;
    return true;
  }

  release(n: number): void {
    this.used = Math.max(0, this.used - n);
  }

  get inUse(): number {
    return this.used;
  }

  /** True when less than `reserve` bytes are left: stop taking new connections. */
  nearlyFull(reserve: number): boolean {
    return this.used + reserve > this.limit;
  }
}

/**
 * Open connections per peer, counted by the key `nominationKey` (@spamtrap/ip) gives it: an IPv4 address
 * as itself (IPv4-mapped IPv6 too), an IPv6 address by its /64. One IPv6 subscriber or server usually
 * holds a whole /64 and can pick any of its 2^64 addresses per connection, so counting addresses would
 * let it open any number of connections; the /64 is also the unit the nominator lists.
 */
export class PerIpCounter {
  private readonly counts = new Map<string, number>();

  /** Count a new connection; false (and not counted) when the peer's address or /64 is at its limit. */
  tryAdd(ip: string, limit: number): boolean {
    const key = limitKey(ip);
    const n = this.counts.get(key) ?? 0;
    if (n >= limit) return false;
    this.counts.set(key, n + 1);
    return true;
  }

  remove(ip: string): void {
    const key = limitKey(ip);
    const n = this.counts.get(key) ?? 0;
    if (n <= 1) this.counts.delete(key);
    else this.counts.set(key, n - 1);
  }

  /** Open connections counted against `ip`'s address (IPv4) or /64 (IPv6). */
  get(ip: string): number {
    return this.counts.get(limitKey(ip)) ?? 0;
  }
}

/** The counting key; text that is no address (a socket without a peer address) counts as itself. */
function limitKey(ip: string): string {
  return nominationKey(ip) ?? ip;
}
