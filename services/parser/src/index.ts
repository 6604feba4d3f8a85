// Public surface of @spamtrap/parser: the pure record transformation, config and the in-process service.
export { parseRecord, createParseHandler, PARSER_DLQ_REASONS, RAW_TOO_LARGE_FOR_TOPIC, type ParseContext } from './parse-record.js';
export { parserConfigSchema, parserSettings, loadParserConfig, PARSED_RECORD_HEADROOM_BYTES, type ParserConfig } from './config.js';
export { startParser, parseContextFrom, type ParserDeps, type ParserStats, type RunningParser } from './service.js';
export { createTrustResolver, parseSinkTrust, TRUST_CACHE_SIZE, type TrustResolver } from './trust.js';
