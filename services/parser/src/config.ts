// The parser's one configuration schema: topics, group, trust lists, limits, Kafka connection.
import { DEFAULT_TOPICS, TOPIC_MAX_RECORD_BYTES } from '@spamtrap/contracts';
import { defineConfig, int, list, oneOf, str, SettingError, type ConfigOf, type Setting } from '@spamtrap/config';
import { kafkaSettings } from '@spamtrap/kafka';
import { LOG_LEVELS } from '@spamtrap/logging';
import { MAX_ADDRESSES, MAX_ATTACHMENTS, MAX_URL_CHARS, MAX_URLS } from '@spamtrap/mail-facts';
import { parseSinkTrust } from './trust.js';
import { trustEntryProblem } from './walk.js';

/**
 * Headroom under the parsed topic's max.message.bytes for the record batch framing, key and
 * headers (a few hundred bytes in practice; 64 KiB leaves no doubt).
 */
export const PARSED_RECORD_HEADROOM_BYTES = 64 * 1024;

/** `sinkA=*.mx.example.net,192.0.2.0/24;sinkB=...`, every entry checked by the trust-list compiler. */
function sinkTrust(o: { env: string; doc: string }): Setting<Record<string, string[]>> {
  return {
    env: o.env,
    doc: o.doc,
    default: {},
    shownDefault: '(none)',
    parse(raw) {
      let parsed: Record<string, string[]>;
      try {
        parsed = parseSinkTrust(raw);
      } catch (err) {
        throw new SettingError((err as Error).message);
      }
      for (const [sink, entries] of Object.entries(parsed)) {
        for (const e of entries) {
          const problem = trustEntryProblem(e);
          if (problem !== null) throw new SettingError(`sink "${sink}", entry "${e}": ${problem}`);
        }
      }
      return parsed;
    },
  };
}

export const parserSettings = {
  ...kafkaSettings,
  inputTopic: str({ env: 'PARSER_INPUT_TOPIC', doc: 'Topic of raw records to parse', default: DEFAULT_TOPICS.raw }),
  outputTopic: str({ env: 'PARSER_OUTPUT_TOPIC', doc: 'Topic parsed records are written to', default: DEFAULT_TOPICS.parsed }),
  dlqTopic: str({ env: 'PARSER_DLQ_TOPIC', doc: 'Topic for records that cannot be parsed', default: DEFAULT_TOPICS.dlq }),
  groupId: str({ env: 'PARSER_GROUP_ID', doc: 'Consumer group shared by all parser instances', default: 'spamtrap-parser' }),
  trusted: list({
    env: 'PARSER_TRUSTED',
    doc: 'Default trust list (our receiving hosts: host patterns like *.mx.example.net and CIDRs), added to every record\'s own list',
    default: [],
    item: trustEntryProblem,
  }),
  sinkTrust: sinkTrust({ env: 'PARSER_SINK_TRUST', doc: 'Per-sink trust lists, added for records from that sink: sinkA=*.mx.example.net,192.0.2.0/24;sinkB=...' }),
  maxBatch: int({ env: 'PARSER_MAX_BATCH', doc: 'Records handed to the parser at once (one publish per batch)', default: 100, min: 1, max: 5000 }),
  partitionsConcurrently: int({ env: 'PARSER_PARTITIONS_CONCURRENTLY', doc: 'Partitions one instance works on at the same time', default: 1, min: 1, max: 64 }),
  maxParsedRecordBytes: int({
    env: 'PARSER_MAX_PARSED_RECORD_BYTES',
    doc: 'Largest parsed record written; above it the raw copy (rawBase64) is dropped with RAW_TOO_LARGE_FOR_TOPIC',
    default: TOPIC_MAX_RECORD_BYTES.parsed - PARSED_RECORD_HEADROOM_BYTES,
    min: 64 * 1024,
    max: TOPIC_MAX_RECORD_BYTES.parsed,
  }),
  maxUrls: int({ env: 'PARSER_MAX_URLS', doc: 'Distinct body URLs kept per message', default: MAX_URLS, min: 0, max: 10_000 }),
  maxUrlChars: int({ env: 'PARSER_MAX_URL_CHARS', doc: 'Longest URL kept (longer ones are cut)', default: MAX_URL_CHARS, min: 64, max: 65_536 }),
  maxAttachments: int({ env: 'PARSER_MAX_ATTACHMENTS', doc: 'Attachments listed and hashed per message', default: MAX_ATTACHMENTS, min: 0, max: 1000 }),
  maxAddresses: int({ env: 'PARSER_MAX_ADDRESSES', doc: 'Addresses kept per address field (From, Reply-To, To)', default: MAX_ADDRESSES, min: 1, max: 10_000 }),
  mailEngine: oneOf({
    env: 'PARSER_MAIL_ENGINE',
    doc: 'MIME engine: split (mailparser\'s splitter and decoders driven directly, ~1.5-2x faster) or mailparser (simpleParser itself; same facts)',
    default: 'split',
    values: ['split', 'mailparser'] as const,
  }),
  logLevel: oneOf({ env: 'LOG_LEVEL', doc: 'Log level', default: 'info', values: LOG_LEVELS }),
};

export const parserConfigSchema = defineConfig('parser', parserSettings, [
  (c) => (c.inputTopic === c.outputTopic || c.inputTopic === c.dlqTopic ? 'PARSER_INPUT_TOPIC must differ from PARSER_OUTPUT_TOPIC and PARSER_DLQ_TOPIC' : null),
  (c) => (c.saslMechanism !== 'none' && (c.saslUsername === '' || c.saslPassword === '') ? 'KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required when KAFKA_SASL_MECHANISM is set' : null),
]);

export type ParserConfig = ConfigOf<typeof parserSettings>;

export function loadParserConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<ParserConfig> = {}): ParserConfig {
  return parserConfigSchema.load(env, overrides);
}
