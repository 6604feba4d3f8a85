// Public surface of @spamtrap/received: Received parser, hop walker, trust lists, header extraction.
export { parseReceived } from './parse.js';
export { walkHops, walkParsed, type WalkOptions, type SessionFacts } from './walk.js';
export { compileTrustList, hostTrusted, ipTrusted, TrustListError, type TrustList } from './trust.js';
export { extractHeaders, extractReceived, type ExtractedHeaders } from './extract.js';
export { normaliseIp, specialPurpose, isIp } from './ip.js';
export { parseReceivedDate, type ParsedDate } from './date.js';
export * from './limits.js';
