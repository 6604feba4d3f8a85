// State file: round trip, atomic write, and clear errors for a damaged file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StackError } from '../src/errors.js';
import { emptyState, isComponentName, parseState, readState, writeState, type StackState } from '../src/state.js';

const rec = { pid: 4242, startTicks: 123456, port: 9092, address: '127.0.0.1:9092', log: '/x/kafka.log', startedAt: '2026-01-01T00:00:00.000Z', version: '3.9.2' };

test('a missing file is an empty state; written state reads back equal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stack-state-'));
  try {
    const path = join(dir, 'sub', 'state.json');
    assert.deepEqual(readState(path), emptyState());
    const s: StackState = { components: { kafka: rec } };
    writeState(path, s);
    assert.deepEqual(readState(path), s);
    assert.deepEqual(readdirSync(join(dir, 'sub')), ['state.json'], 'no temp file left behind');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('unknown components are dropped, bad records are refused with the field name', () => {
  assert.deepEqual(parseState(JSON.stringify({ components: { kafka: rec, zookeeper: rec } }), 's'), { components: { kafka: rec } });
  assert.throws(() => parseState(JSON.stringify({ components: { redis: { ...rec, pid: -1 } } }), '/h/state.json'), (e: unknown) => {
    assert.ok(e instanceof StackError);
    assert.equal(e.message, 'state file /h/state.json: redis record has a bad pid: delete the file');
    return true;
  });
  assert.throws(() => parseState(JSON.stringify({ components: { redis: { ...rec, port: 70000 } } }), 's'), /bad port/);
  assert.throws(() => parseState(JSON.stringify({ components: { redis: { ...rec, log: 5 } } }), 's'), /bad log/);
});

test('non-JSON and shapeless files are refused, never silently emptied', () => {
  assert.throws(() => parseState('{"components": {', 'p'), /state file p is not JSON/);
  assert.throws(() => parseState('null', 'p'), /has no "components" object/);
  assert.throws(() => parseState('[]', 'p'), /has no "components" object/);
  const dir = mkdtempSync(join(tmpdir(), 'stack-state-'));
  try {
    writeFileSync(join(dir, 'state.json'), '\0\0garbage');
    assert.throws(() => readState(join(dir, 'state.json')), StackError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('component names', () => {
  assert.ok(isComponentName('elasticsearch'));
  assert.ok(!isComponentName('es'));
  assert.ok(!isComponentName('__proto__'));
});
