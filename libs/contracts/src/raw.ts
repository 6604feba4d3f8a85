// spamtrap.raw: the exact message bytes as the Kafka value, the facts as a JSON Kafka header.

/** Something odd a client did in the SMTP dialogue; evidence in itself. */
export interface SessionAnomaly {
  /** EARLY_TALKER, HTTP_REQUEST, PROXY_CONNECT, BARE_LF, PIPELINING_VIOLATION, OVERSIZE, ... */
  code: string;
  /** What the client sent (bounded, printable) or other facts. */
  detail?: string;
  /** Milliseconds since the connection opened. */
  atMs?: number;
}

/** What the sink itself observed about the SMTP session that delivered a message. */
export interface SmtpSessionFacts {
  sinkId: string;
  connectionId: string;
  /** 1 for the first message of the connection, 2 for the next, ... */
  transaction: number;
  /** ISO time the sink accepted the message (before the Kafka ack). */
  acceptedAt: string;
  /** The connecting peer: from the socket, or from a trusted PROXY header. */
  peer: { ip: string; port: number };
  local: { ip: string; port: number };
  /** Set when the peer came from a PROXY protocol header sent by a trusted front. */
  proxiedBy: { ip: string; port: number } | null;
  /** The HELO/EHLO argument exactly as sent (bounded), and the verb used. */
  helo: string | null;
  heloVerb: 'HELO' | 'EHLO' | 'LHLO' | null;
  tls: { protocol: string; cipher: string } | null;
  /** MAIL FROM address; '' for the null sender `<>`. */
  mailFrom: string;
  rcptTo: string[];
  anomalies: SessionAnomaly[];
}

/** Where an imported message came from (archives carry no session facts). */
export interface ImportProvenance {
  archive: string;
  format: 'eml' | 'mbox' | 'maildir';
  file: string;
  /** Entry index inside an mbox, when relevant. */
  entry: number | null;
  importedAt: string;
}

/** The JSON carried in the `spamtrap-facts` header of every spamtrap.raw record. */
export interface RawFacts {
  v: 1;
  evidenceId: string;
  source: 'smtp' | 'import';
  size: number;
  sha256: string;
  /** Trust list for the hop walk: host patterns (`*.mx.example.net`) and CIDRs. */
  trusted: string[];
  smtp: SmtpSessionFacts | null;
  import: ImportProvenance | null;
}

/** Kafka header names on spamtrap.raw. */
export const RAW_HEADERS = {
  facts: 'spamtrap-facts',
  contentType: 'content-type',
} as const;

export const RAW_CONTENT_TYPE = 'message/rfc822';
