// docs/elasticsearch.md documents every nominator setting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { kafkaSettings } from '@spamtrap/kafka';
import { nominatorSettings } from '../src/index.js';

test('every nominator setting is in docs/elasticsearch.md', () => {
  const doc = readFileSync(new URL('../../../docs/elasticsearch.md', import.meta.url), 'utf8');
  for (const [key, s] of Object.entries(nominatorSettings)) {
    if (key in kafkaSettings) continue;
    assert.ok(doc.includes(`\`${s.env}\``), `${s.env} is not documented`);
  }
});
