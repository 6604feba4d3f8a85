// Real-world mail (SpamAssassin public corpus sample): never throws, and the split engine equals simpleParser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { extractMailFacts } from '@spamtrap/mail-facts';
import { spamAssassinSample } from './corpus.js';

test('SpamAssassin corpus sample: facts for every message, identical in both engines', async () => {
  const sample = spamAssassinSample(4);
  assert.ok(sample.length > 1000, `sample has ${sample.length} messages`);
  const differing: string[] = [];
  let withUrls = 0;
  let withAttachments = 0;
  for (const { name, raw } of sample) {
    const split = await extractMailFacts(raw);
    const ref = await extractMailFacts(raw, { engine: 'mailparser' });
    assert.ok(split.facts !== null, `${name}: ${JSON.stringify(split.issues)}`);
    if (!isDeepStrictEqual(split, ref)) differing.push(name);
    if (split.facts.urls.length > 0) withUrls++;
    if (split.facts.attachments.length > 0) withAttachments++;
  }
  assert.deepEqual(differing, []);
  // The sample is real mail: most messages carry links, some attachments (guards against a silent no-op).
  assert.ok(withUrls > sample.length / 2, `${withUrls} with URLs`);
  assert.ok(withAttachments > 10, `${withAttachments} with attachments`);
});
