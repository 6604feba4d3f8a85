// Import journal: the sha256 of every message already published from an archive, so re-runs skip them.
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Default state dir: outside the repository, per user. */
export function defaultStateDir(env: Record<string, string | undefined>): string {
  return env['SPAMTRAP_STATE_DIR'] ?? join(env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'spamtrap', 'import');
}

export class ImportJournal {
  private readonly seen = new Set<string>();
  readonly file: string;

  /** One journal file per (archive path, topic): the same archive imported to another topic is another job. */
  constructor(stateDir: string, archive: string, topic: string) {
    mkdirSync(stateDir, { recursive: true });
    const key = createHash('sha256').update(`${archive}\0${topic}`).digest('hex').slice(0, 32);
    this.file = join(stateDir, `${key}.sha256`);
    let text = '';
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      /* first run */
    }
    for (const line of text.split('\n')) if (/^[0-9a-f]{64}$/.test(line)) this.seen.add(line);
  }

  has(sha256: string): boolean {
    return this.seen.has(sha256);
  }

  /** Record published messages (call only after the Kafka ack). */
  add(shas: string[]): void {
    if (shas.length === 0) return;
    appendFileSync(this.file, shas.join('\n') + '\n');
    for (const s of shas) this.seen.add(s);
  }

  get size(): number {
    return this.seen.size;
  }
}
