// The parsed message as buildFacts reads it, independent of which engine (mailsplit or simpleParser) produced it.

export interface ViewAttachment {
  filename: string | null;
  contentType: string;
  /** Decoded content; null when past the attachment limit (counted, not kept). */
  content: Buffer | null;
}

export interface MessageView {
  /** Header fields of the top-level header block (the ones the engine saw). */
  headerCount: number;
  /** Values of a top-level header (lower-case name), decoded as mailparser does, empty ones left out. */
  values(name: string): string[];
  /** Mailbox addresses of an address header (From, Sender and Reply-To: first header only, as mailparser). */
  addresses(name: 'from' | 'sender' | 'reply-to' | 'to'): string[];
  subject: string | null;
  /** Message-ID without angle brackets. */
  messageId: string | null;
  contentType: { value: string; reportType: string | null } | null;
  /** The raw (unfolded) Date: value. */
  rawDate: string | null;
  /** Decoded text/plain bodies and HTML bodies, in message order. */
  text: string[];
  html: string[];
  attachments: ViewAttachment[];
}
