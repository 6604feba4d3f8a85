// The sessions batch handler: SMTP sessions without a message (HTTP/CONNECT to port 25, early talkers) become evidence docs.
import type { BulkOp, EsStore } from '@spamtrap/es';
import { buildSessionDoc, isSessionRecord } from '@spamtrap/es-schema';
import type { BatchHandler, IncomingRecord, RecordOutcome } from '@spamtrap/kafka';
import { describeFailure, writeAll, type BulkLimits } from './bulk.js';
import { NOMINATOR_DLQ } from './handle-batch.js';

export interface SessionHandlerSettings {
  prefix: string;
  redactionSecret: string;
  trapDomains: readonly string[];
  bulk: BulkLimits;
}

export function createSessionHandler(settings: SessionHandlerSettings, deps: { store: Pick<EsStore, 'bulkWrite'>; now?: () => number }): BatchHandler {
  const now = deps.now ?? Date.now;
  return async (records: IncomingRecord[]): Promise<RecordOutcome[]> => {
    const ingestedAt = new Date(now()).toISOString();
    const outcomes: RecordOutcome[] = [];
    const ops: BulkOp[] = [];
    const opIndex: number[] = [];
    for (const rec of records) {
      let value: unknown;
      try {
        value = JSON.parse(rec.value?.toString('utf8') ?? 'null');
      } catch (err) {
        outcomes.push({ kind: 'dlq', reason: 'DECODE_FAILED', error: `session record: not JSON (${(err as Error).message})`, evidenceId: null });
        continue;
      }
      if (!isSessionRecord(value)) {
        outcomes.push({ kind: 'dlq', reason: 'CONTRACT_VIOLATION', error: 'session record: v, evidenceId, openedAt and peer.ip are required', evidenceId: null });
        continue;
      }
      const built = buildSessionDoc(value, { prefix: settings.prefix, redactionSecret: settings.redactionSecret, trapDomains: settings.trapDomains, ingestedAt });
      opIndex.push(outcomes.length);
      outcomes.push({ kind: 'ok', outputs: [] });
      ops.push({ op: 'index', index: built.index, id: built.id, doc: built.doc });
    }
    const results = await writeAll(deps.store, ops, settings.bulk);
    results.forEach((r, i) => {
      if (r.ok) return;
      const op = ops[i] as { id: string };
      outcomes[opIndex[i]!] = { kind: 'dlq', reason: NOMINATOR_DLQ.esRejected, error: describeFailure(r), evidenceId: op.id };
    });
    return outcomes;
  };
}
