// `spamtrap evidence` text rendering and `kibana import` prefix rewriting: pure parts, no servers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderText } from '../src/commands/evidence.js';
import { withPrefix } from '../src/commands/kibana.js';

test('renderText: spammer-written text cannot break the layout (newlines, ANSI escapes, NUL)', () => {
  const out = renderText('198.51.100.7', '198.51.100.7', null, 1, [
    { id: 'e1', time: '2026-11-20T10:00:00.000Z', dataset: 'spamtrap.evidence', sourceIp: '198.51.100.7', class: 'direct_bot', helo: 'x\n\u001b[31mred\u0000', rdns: null, reasons: ['A', 'B'], subject: 'line1\r\nline2' },
  ]);
  const lines = out.trimEnd().split('\n');
  assert.equal(lines.length, 3, out);
  assert.match(lines[0]!, /no nomination/);
  assert.ok(!out.includes('\u001b'));
  assert.match(lines[2]!, /reasons A,B/);
  assert.match(lines[2]!, /subject "line1\\r\\nline2"/);
});

test('withPrefix rewrites only data-view titles', () => {
  const nd = [
    JSON.stringify({ type: 'index-pattern', id: 'a', attributes: { title: 'spamtrap-evidence-*' }, references: [] }),
    JSON.stringify({ type: 'search', id: 's', attributes: { title: 'spamtrap-evidence-* stays' }, references: [] }),
    '',
  ].join('\n');
  const out = withPrefix(nd, 'prod').split('\n');
  assert.equal((JSON.parse(out[0]!) as { attributes: { title: string } }).attributes.title, 'prod-evidence-*');
  assert.equal((JSON.parse(out[1]!) as { attributes: { title: string } }).attributes.title, 'spamtrap-evidence-* stays');
  assert.equal(withPrefix(nd, 'spamtrap'), nd);
});
