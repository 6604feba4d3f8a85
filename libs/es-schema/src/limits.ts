// Bounds on spammer-controlled strings and lists before they reach Elasticsearch (invariant 7: bounded everything).

/** Keyword values: Lucene rejects terms over 32 766 bytes; 1 024 chars keeps docs small and matches ECS ignore_above. */
export const MAX_KEYWORD_CHARS = 1024;
/** Subjects: long enough for any real subject line (RFC 5322 recommends 78 per line), short enough to bound docs. */
export const MAX_SUBJECT_CHARS = 2048;
/** Full URLs: common browser limit is ~2 000; campaign tracking URLs rarely exceed 4 096. */
export const MAX_URL_CHARS = 4096;
/** Body URLs stored per message; the parser may extract thousands from a crafted body. */
export const MAX_URLS = 200;
/** Distinct URL domains stored per message. */
export const MAX_URL_DOMAINS = 100;
/** Attachments stored per message (nested docs count against index.mapping.nested_objects.limit 10 000). */
export const MAX_ATTACHMENTS = 50;
/** Received hops stored per message (nested docs; the hop walker caps headers too). */
export const MAX_HOPS = 100;
/** Reasons, anomalies, extra headers and other small lists per message. */
export const MAX_LIST = 100;
/** Addresses per address list (From, Reply-To, To, RCPT TO). */
export const MAX_ADDRESSES = 100;
/** IPs and hosts in related.* (every hop can name two hosts and an IP). */
export const MAX_RELATED = 300;
/** Session transcript lines stored for an HTTP-to-port-25 session. */
export const MAX_TRANSCRIPT_LINES = 20;
/** The raw message in the restricted field: the sink's default maximum message size (10 240 000 bytes). */
export const MAX_RAW_BYTES = 10_240_000;
/** Recent evidence ids kept on a nomination document. */
export const NOMINATION_RECENT_EVIDENCE = 20;
/** Distinct classes / reasons / IPs / HELOs kept on a nomination document (terms aggregation size). */
export const NOMINATION_TERMS = 50;
