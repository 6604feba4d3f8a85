// Public surface of @spamtrap/verdict: the classifier, its rules, and the safety policy.
export { classify, type Classification, type ClassifyInput } from './classify.js';
export { compilePolicy, EMPTY_POLICY, BIG_PROVIDER_DOMAINS, type CompiledPolicy, type PolicyConfig } from './policy.js';
export { checkAllowlist, decideNomination, probeFor, type AllowlistResult, type DnsAllowlistHit, type SafetyDecision, type SafetyInput } from './safety.js';
export { assessName, nameReasons, type NameAssessment, type NameKind } from './rdns.js';
export { findEmbeddedIp, type EmbeddedForm, type EmbeddedIp } from './embedded-ip.js';
export { heloReasons, type HeloInput } from './helo.js';
export { backscatterReasons, dnsReasons, headerReasons, sessionReasons, type HeaderEvidence } from './evidence.js';
export { DYNAMIC_TOKENS, STATIC_HINTS, DDNS_TOKENS, BUSINESS_STATIC, HOSTING_GENERIC } from './rdns-rules.js';
export { REASON_WEIGHTS, REQUIRED_FOR } from './weights.js';
export { tokens, nameParts, compileHostPatterns } from './names.js';
export { REASON_CODES } from './codes.js';
