// spamtrap.parsed: the hop walk and the MIME facts analysts search, one JSON record per message.
import type { HopWalk, Reason } from './hops.js';
import type { RawFacts } from './raw.js';

export interface MailAttachmentFacts {
  filename: string | null;
  contentType: string;
  size: number;
  sha256: string;
}

/** Facts from the message itself (claims by the sender, not observations). */
export interface MailFacts {
  from: string[];
  fromDomains: string[];
  sender: string | null;
  replyTo: string[];
  replyToDomains: string[];
  to: string[];
  subject: string | null;
  messageId: string | null;
  messageIdDomain: string | null;
  /** Date: header as ISO 8601, null if missing or invalid. */
  date: string | null;
  xMailer: string | null;
  contentType: string | null;
  urls: string[];
  /** Registrable domains (eTLD+1) of body URLs. */
  urlDomains: string[];
  attachments: MailAttachmentFacts[];
  /** Backscatter / auto-reply markers: DSN content type, Auto-Submitted, Precedence, ... */
  autoReply: { dsn: boolean; autoSubmitted: string | null; precedence: string | null };
  headerCount: number;
  /** Other headers analysts care about (X-PHP-Originating-Script, X-Originating-IP, ...). */
  extraHeaders: Record<string, string>;
}

export interface ParsedRecord {
  v: 1;
  evidenceId: string;
  facts: RawFacts;
  walk: HopWalk;
  /** Null when MIME parsing failed entirely; `issues` says why. */
  mail: MailFacts | null;
  /** Problems met while parsing (partial facts), as reasons. */
  issues: Reason[];
  /** The raw message, carried forward so the nominator can store it in the restricted field. */
  rawBase64: string;
  parsedAt: string;
}
