// Evidence ids: sortable for live mail, deterministic for imports, and recognised by isEvidenceId.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importEvidenceId, isEvidenceId, newEvidenceId } from '../src/index.js';

test('live ids are UUIDv7 and sort by time', () => {
  const a = newEvidenceId(1_700_000_000_000);
  const b = newEvidenceId(1_700_000_000_001);
  assert.ok(isEvidenceId(a) && isEvidenceId(b));
  assert.equal(a[14], '7');
  assert.ok(a < b);
});

test('live ids from the pooled random bytes are unique and random across pool refills', () => {
  const now = 1_700_000_000_000;
  const ids = Array.from({ length: 2000 }, () => newEvidenceId(now)); // several refills of the 256-id pool
  assert.equal(new Set(ids).size, ids.length);
  // Same millisecond: only the random part differs; its 74 bits must not repeat or run in a pattern.
  const tails = new Set(ids.map((id) => id.slice(15)));
  assert.equal(tails.size, ids.length);
  for (const id of ids) assert.ok(isEvidenceId(id) && id[14] === '7', id);
});

test('import ids are deterministic per content hash and differ between hashes', () => {
  const h1 = 'a'.repeat(64);
  const h2 = 'b'.repeat(64);
  assert.equal(importEvidenceId(h1), importEvidenceId(h1));
  assert.notEqual(importEvidenceId(h1), importEvidenceId(h2));
  assert.ok(isEvidenceId(importEvidenceId(h1)));
});

test('isEvidenceId rejects junk, job-id separators and v4 UUIDs', () => {
  for (const s of ['', 'x', '0190a0b0-0000-4000-8000-000000000000', 'a:b', '../etc/passwd']) assert.equal(isEvidenceId(s), false, s);
});
