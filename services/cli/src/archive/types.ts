// Shapes shared by the archive readers (eml folders, mbox files, Maildir folders) used by import and replay.

export type ArchiveFormat = 'eml' | 'mbox' | 'maildir';

/** One entry read from an archive: the message bytes, or why it cannot be a message. */
export type ArchiveEntry =
  | { ok: true; archive: string; format: ArchiveFormat; file: string; entry: number | null; bytes: Buffer }
  | { ok: false; archive: string; format: ArchiveFormat; file: string; entry: number | null; reason: string };

export interface ReadOptions {
  /** Larger entries are reported as malformed ("oversize") and not held in memory. */
  maxBytes: number;
}
