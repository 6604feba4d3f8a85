// docs/stack.md carries the settings table generated from the schema; this keeps the two in sync.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { stackSchema } from '../src/config.js';

test('docs/stack.md has the current settings table (regenerate with `npx spamtrap stack settings`)', () => {
  const doc = readFileSync(new URL('../../../docs/stack.md', import.meta.url), 'utf8');
  assert.ok(doc.includes(stackSchema.describe()), 'docs/stack.md settings table is stale');
});
