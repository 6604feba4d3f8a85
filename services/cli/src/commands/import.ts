// `spamtrap import`: publishes messages from .eml folders, mbox files and Maildirs to spamtrap.raw, idempotently.
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_TOPICS, DEFAULT_TOPIC_PARTITIONS, TOPIC_MAX_RECORD_BYTES, RAW_CONTENT_TYPE, RAW_HEADERS, importEvidenceId, type RawFacts } from '@spamtrap/contracts';
import { createKafka, loadKafkaConfig, type OutgoingRecord, type RecordPublisher } from '@spamtrap/kafka';
import { createLogger } from '@spamtrap/logging';
import { UsageError, type CommandIo, type CommandSpec } from '../command.js';
import { ImportJournal, createProgress, defaultStateDir, readArchive, type ArchiveFormat, type MboxVariant } from '../archive/index.js';

const USAGE = `Usage: spamtrap import [options] PATH...

Publishes every message of the archives to spamtrap.raw (acks=all), with provenance
(RawFacts.source = "import": archive, format, file, entry, importedAt) and no session facts.
Evidence ids derive from the message's sha256, so a re-run creates no new documents downstream;
a journal of imported sha256 per archive (in the state dir) makes re-runs skip them entirely.
  PATH                  a folder of .eml files, a single message file, an mbox file, or a Maildir (cur/, new/)
  --format F            auto (default) | eml | mbox | maildir
  --mbox-variant V      mboxrd (default: one ">" removed from /^>+From /) | mboxo (only /^>From /)
  --trusted LIST        comma-separated trust list carried in every record (host patterns, CIDRs)
  --force               publish again what the journal says was imported
  --state-dir DIR       journal location (default $SPAMTRAP_STATE_DIR or ~/.cache/spamtrap/import)
  --topic T             default $SINK_TOPIC_RAW or ${DEFAULT_TOPICS.raw}
  --max-bytes N         larger messages are malformed (default ${DEFAULT_MAX_MESSAGE_BYTES}, the sink's limit)
Kafka: KAFKA_BROKERS and the other KAFKA_* settings. Malformed entries (empty, no_headers, binary,
no_separator, oversize) are listed at the end and do not stop the import. Exit 0 when everything
readable was published, 1 when a publish failed.
`;

/** Records per publish call: one produce request per ~100 messages keeps memory and latency small. */
const BATCH_RECORDS = 100;
/** ... or fewer when they add up to this many bytes (the adapter splits larger requests anyway). */
const BATCH_BYTES = 4 * 1024 * 1024;
/** Malformed entries listed in full on stdout; the rest are counted. */
const MAX_LISTED = 1000;

interface Args {
  paths: string[];
  format: ArchiveFormat | 'auto';
  variant: MboxVariant;
  trusted: string[];
  force: boolean;
  stateDir: string;
  topic: string;
  maxBytes: number;
}

function parseArgs(argv: string[], io: CommandIo): Args {
  const a: Args = {
    paths: [],
    format: 'auto',
    variant: 'mboxrd',
    trusted: [],
    force: false,
    stateDir: defaultStateDir(io.env),
    topic: io.env['SINK_TOPIC_RAW'] ?? DEFAULT_TOPICS.raw,
    maxBytes: DEFAULT_MAX_MESSAGE_BYTES,
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]!;
    const v = (): string => {
      const x = argv[++i];
      if (x === undefined) throw new UsageError(`${k} needs a value`);
      return x;
    };
    if (k === '--format') {
      const f = v();
      if (!['auto', 'eml', 'mbox', 'maildir'].includes(f)) throw new UsageError(`--format must be auto, eml, mbox or maildir, not "${f}"`);
      a.format = f as Args['format'];
    } else if (k === '--mbox-variant') {
      const f = v();
      if (f !== 'mboxrd' && f !== 'mboxo') throw new UsageError('--mbox-variant must be mboxrd or mboxo');
      a.variant = f;
    } else if (k === '--trusted') a.trusted.push(...v().split(',').filter((s) => s !== ''));
    else if (k === '--force') a.force = true;
    else if (k === '--state-dir') a.stateDir = resolve(io.cwd, v());
    else if (k === '--topic') a.topic = v();
    else if (k === '--max-bytes') {
      a.maxBytes = Number(v());
      if (!Number.isSafeInteger(a.maxBytes) || a.maxBytes < 1) throw new UsageError('--max-bytes must be a positive integer');
    } else if (k.startsWith('-')) throw new UsageError(`unknown option "${k}"`);
    else a.paths.push(resolve(io.cwd, k));
  }
  if (a.paths.length === 0) throw new UsageError('give at least one PATH');
  return a;
}

export interface ImportSummary {
  published: number;
  skipped: number;
  duplicates: number;
  malformed: { file: string; entry: number | null; reason: string }[];
  failed: number;
}

/** The import itself, with the publisher injected (the command wires the real one; tests may too). */
export async function runImport(a: Args, publisher: RecordPublisher, io: CommandIo): Promise<ImportSummary> {
  const s: ImportSummary = { published: 0, skipped: 0, duplicates: 0, malformed: [], failed: 0 };
  const progress = createProgress(io.stderr, 'import');
  try {
    for (const path of a.paths) {
      const journal = new ImportJournal(a.stateDir, path, a.topic);
      const inRun = new Set<string>();
      let batch: { rec: OutgoingRecord; sha: string }[] = [];
      let batchBytes = 0;
      const flush = async (): Promise<void> => {
        if (batch.length === 0) return;
        const b = batch;
        batch = [];
        batchBytes = 0;
        try {
          await publisher.publish(b.map((x) => x.rec), { timeoutMs: 30_000 });
          journal.add(b.map((x) => x.sha));
          s.published += b.length;
        } catch (err) {
          s.failed += b.length;
          io.stderr.write(`import: publish of ${b.length} messages failed: ${(err as Error).message}\n`);
          for (const x of b) inRun.delete(x.sha); // a later duplicate in this run may try again
        }
      };
      for await (const e of readArchive(path, a.format, { maxBytes: a.maxBytes, mboxVariant: a.variant })) {
        if (!e.ok) {
          s.malformed.push({ file: e.file, entry: e.entry, reason: e.reason });
        } else {
          const sha = createHash('sha256').update(e.bytes).digest('hex');
          if (inRun.has(sha)) s.duplicates++;
          else if (!a.force && journal.has(sha)) s.skipped++;
          else {
            inRun.add(sha);
            const facts: RawFacts = {
              v: 1,
              evidenceId: importEvidenceId(sha),
              source: 'import',
              size: e.bytes.length,
              sha256: sha,
              trusted: a.trusted,
              smtp: null,
              import: { archive: e.archive, format: e.format, file: e.file, entry: e.entry, importedAt: new Date().toISOString() },
            };
            batch.push({ sha, rec: { topic: a.topic, key: facts.evidenceId, value: e.bytes, headers: { [RAW_HEADERS.facts]: JSON.stringify(facts), [RAW_HEADERS.contentType]: RAW_CONTENT_TYPE } } });
            batchBytes += e.bytes.length;
            if (batch.length >= BATCH_RECORDS || batchBytes >= BATCH_BYTES) await flush();
          }
        }
        progress.tick({ done: s.published, skipped: s.skipped, duplicates: s.duplicates, malformed: s.malformed.length, failed: s.failed }, e.file);
      }
      await flush();
      progress.tick({ done: s.published, skipped: s.skipped, duplicates: s.duplicates, malformed: s.malformed.length, failed: s.failed }, path);
    }
  } finally {
    progress.stop();
  }
  return s;
}

export function formatSummary(s: ImportSummary): string {
  const lines = [`published ${s.published}, skipped ${s.skipped} (already imported), duplicates ${s.duplicates} (same bytes twice in this run), malformed ${s.malformed.length}, failed ${s.failed}`];
  for (const m of s.malformed.slice(0, MAX_LISTED)) lines.push(`malformed\t${m.file}${m.entry === null ? '' : `#${m.entry}`}\t${m.reason}`);
  if (s.malformed.length > MAX_LISTED) lines.push(`... and ${s.malformed.length - MAX_LISTED} more malformed entries`);
  return lines.join('\n') + '\n';
}

export const command: CommandSpec = {
  summary: 'publish .eml folders, mbox files and Maildirs to spamtrap.raw (idempotent, with provenance)',
  usage: USAGE,
  async run(argv, io) {
    const a = parseArgs(argv, io);
    const kafka = createKafka(loadKafkaConfig(io.env), createLogger('import', 'warn'));
    const admin = kafka.createAdmin();
    try {
      await admin.ensureTopics([{ topic: a.topic, partitions: DEFAULT_TOPIC_PARTITIONS, maxMessageBytes: TOPIC_MAX_RECORD_BYTES.raw }]);
    } finally {
      await admin.close().catch(() => undefined);
    }
    const publisher = kafka.createPublisher();
    try {
      const s = await runImport(a, publisher, io);
      io.stdout.write(formatSummary(s));
      return s.failed > 0 ? 1 : 0;
    } finally {
      await publisher.close();
    }
  },
};

export { parseArgs as parseImportArgs };
