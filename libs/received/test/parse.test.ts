// Table-driven tests of parseReceived over the MTA formats in cases.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseReceived } from '../src/index.js';
import { CASES } from './cases.js';

describe('parseReceived: MTA formats', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const h = parseReceived(c.line);
      for (const [k, v] of Object.entries(c.expect)) {
        if (k === 'flags') {
          for (const f of v as string[]) assert.ok(h.flags?.includes(f), `${c.name}: flag ${f} missing in ${JSON.stringify(h.flags)}`);
        } else {
          assert.deepEqual((h as unknown as Record<string, unknown>)[k], v, `${c.name}: ${k} (got ${JSON.stringify(h)})`);
        }
      }
    });
  }
});
