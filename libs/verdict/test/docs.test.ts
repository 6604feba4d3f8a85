// docs/verdicts.md documents every reason code the classifier can emit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { REASON_CODES } from '../src/index.js';

test('every reason code is documented in docs/verdicts.md', () => {
  const doc = readFileSync(new URL('../../../docs/verdicts.md', import.meta.url), 'utf8');
  const missing = Object.keys(REASON_CODES).filter((c) => !doc.includes(`\`${c}\``));
  assert.deepEqual(missing, []);
});
