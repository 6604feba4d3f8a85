// The kafkajs → pino bridge: levels map, known noise is downgraded, fields survive.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '@spamtrap/logging';
import { pinoLogCreator } from '../src/logger-bridge.js';
import { logLevel } from '../src/kafkajs.js';

function capture(): { lines: { level: number; msg: unknown; namespace: unknown }[]; log: ReturnType<typeof pinoLogCreator> } {
  const lines: { level: number; msg: unknown; namespace: unknown }[] = [];
  const logger = createLogger('bridge-test', 'debug', {
    hooks: {
      logMethod(args, _method, level) {
        const [fields, msg] = args as [Record<string, unknown>, unknown];
        lines.push({ level, msg, namespace: fields.namespace });
      },
    },
  });
  return { lines, log: pinoLogCreator(logger) };
}

void describe('pinoLogCreator', () => {
  void it('maps kafkajs levels and keeps the namespace', () => {
    const { lines, log } = capture();
    const write = log(logLevel.DEBUG);
    const entry = (level: number, namespace: string, message: string) => ({ namespace, level, label: '', log: { timestamp: 'x', message } });
    write(entry(logLevel.ERROR, 'Consumer', 'Crash'));
    write(entry(logLevel.WARN, 'Producer', 'slow'));
    write(entry(logLevel.INFO, 'Consumer', 'joined'));
    write(entry(logLevel.DEBUG, 'Connection', 'Request Fetch'));
    assert.deepEqual(lines.map((l) => l.level), [50, 40, 30, 20]);
    assert.equal(lines[0]!.namespace, 'Consumer');
    assert.equal(lines[0]!.msg, 'Crash');
  });

  void it('downgrades retried error responses and the bounded-retries notice', () => {
    const { lines, log } = capture();
    const write = log(logLevel.DEBUG);
    write({ namespace: 'Connection', level: logLevel.ERROR, label: '', log: { timestamp: 'x', message: 'Response Fetch(key: 1, version: 11)' } });
    write({ namespace: 'Producer', level: logLevel.WARN, label: '', log: { timestamp: 'x', message: 'Limiting retries for the idempotent producer may invalidate EoS guarantees' } });
    assert.deepEqual(lines.map((l) => l.level), [40, 30]);
  });
});
