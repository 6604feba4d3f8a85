// Public surface of @spamtrap/mail-facts: analyst facts from a raw message (pure, no I/O).
export { extractMailFacts, type MailEngine, type MailFactsOptions, type MailFactsResult } from './extract.js';
export * from './limits.js';
export { MAIL_ISSUES, type MailIssueCode } from './issues.js';
export { UrlCollector, normaliseUrl, registrableDomain } from './urls.js';
export { EXTRA_HEADER_NAMES } from './headers.js';
export { dropHeaders, UNPARSED_HEADERS } from './prefilter.js';
