// The parsed Received chain and the trust walk: shared by the Received lib, parser, enricher and nominator.

/** What a Received header is: a network hop, a known non-network hop, or unparseable text. */
export type HopKind = 'relay' | 'ignored' | 'unparsed';

/** One Received header as parsed. A field is `null` when the header does not state it. */
export interface ReceivedHop {
  kind: HopKind;
  /** The HELO/EHLO name the sending host gave, as the receiving MTA recorded it. Never the IP source. */
  fromHelo: string | null;
  /** The reverse-DNS name as the receiving MTA wrote it; null when absent or `unknown`. */
  fromRdns: string | null;
  /** Normalised sending IP (no brackets, ports, `IPv6:` prefix or zone; IPv4-mapped -> IPv4). */
  fromIp: string | null;
  /** RFC 1413 ident user, when recorded. */
  ident: string | null;
  /** The receiving host (`by` clause). */
  by: string | null;
  /** Protocol token of the `with` clause, upper-cased (ESMTPSA, SMTP, LMTP, HTTP, ...). */
  with: string | null;
  /** True when an authentication marker is present (ESMTPA, `(Authenticated sender: ...)`, ...). */
  auth: boolean;
  /** True when the hop used TLS (ESMTPS, `(version=TLS1.3 ...)`, ...). */
  tls: boolean;
  /** Queue id (`id` clause). */
  id: string | null;
  /** The `for` clause (a recipient: trap addresses are redacted downstream). */
  for: string | null;
  /** The date after `;` as ISO 8601, or null when missing or not a real date. */
  date: string | null;
  /** Which MTA format matched (postfix, sendmail, exim, qmail, exchange, ...), when known. */
  mta: string | null;
  /** Why a hop was classed `ignored` (local delivery, pickup, fetchmail, ...), or why `unparsed`. */
  note: string | null;
  /** The receiving host's own IP when the header states it (`by host (ip)`, `by [ip]`); optional, added for CIDR trust. */
  byIp?: string | null;
  /** Observations about this header (`may-be-forged`, `helo-literal`, `date-invalid`, `date-weekday-mismatch`, `fetch`, `value-truncated`, ...). */
  flags?: string[];
}

/** A reason code with the facts behind it. Codes are UPPER_SNAKE and stable. */
export interface Reason {
  code: string;
  /** Hop index (0 = top header) the reason is about, when it is about one. */
  hop?: number;
  /** Facts behind the reason; small scalars or short string lists only. */
  detail?: Record<string, string | number | boolean | string[] | null>;
}

/** The host that handed the message to our trust boundary. */
export interface RelayingHop {
  ip: string;
  helo: string | null;
  rdns: string | null;
  /** The receiving host that recorded it (ours). */
  by: string | null;
  /** Index into `hops` of the header describing the relay, or -1 when it came from the SMTP session only. */
  index: number;
  /** `session` when the sink saw the peer itself (always wins), `header` when read from our own Received. */
  source: 'session' | 'header';
  /** Auth / TLS markers of the hand-off, from the session or our own header. */
  auth: boolean;
  tls: boolean;
}

/** Result of walking the Received chain against the trust list and the session facts. */
export interface HopWalk {
  /** Every Received header, top (newest) first. */
  hops: ReceivedHop[];
  /** Index of the lowest header written by a trusted host, or -1 when no header is ours. */
  boundary: number;
  /** The relaying hop, or null when none can be established. */
  relay: RelayingHop | null;
  /** Inconsistencies and observations (BY_FROM_MISMATCH, TIME_BACKWARDS, PRIVATE_BELOW_PUBLIC, ...). */
  reasons: Reason[];
  /** IPs claimed below the boundary (kept for analysts, never nominated). */
  claimedIps: string[];
  /** Counts: total headers, unparsed, ignored, and how many were dropped by the header cap. */
  counts: { total: number; unparsed: number; ignored: number; truncated: number };
}
