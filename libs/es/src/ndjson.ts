// Serialises bulk operations to Elasticsearch's NDJSON lines once, memoised so sizing and sending share the work.
import type { BulkOp } from './types.js';

const cache = new WeakMap<BulkOp, string>();

/** Action line + source line (if any), each ending in "\n", exactly as sent to `POST _bulk`. */
export function opToNdjson(op: BulkOp): string {
  const hit = cache.get(op);
  if (hit !== undefined) return hit;
  let text: string;
  switch (op.op) {
    case 'index':
      text =
        JSON.stringify({
          index: {
            _index: op.index,
            _id: op.id,
            if_seq_no: op.ifSeqNo,
            if_primary_term: op.ifPrimaryTerm,
            version: op.version,
            version_type: op.version === undefined ? undefined : (op.versionType ?? 'external_gte'),
          },
        }) + '\n' + JSON.stringify(op.doc) + '\n';
      break;
    case 'create':
      text = JSON.stringify({ create: { _index: op.index, _id: op.id } }) + '\n' + JSON.stringify(op.doc) + '\n';
      break;
    case 'update':
      text =
        JSON.stringify({
          update: { _index: op.index, _id: op.id, if_seq_no: op.ifSeqNo, if_primary_term: op.ifPrimaryTerm, retry_on_conflict: op.retryOnConflict },
        }) + '\n' + JSON.stringify({ doc: op.doc, doc_as_upsert: op.docAsUpsert === true ? true : undefined }) + '\n';
      break;
    case 'delete':
      text =
        JSON.stringify({
          delete: {
            _index: op.index,
            _id: op.id,
            if_seq_no: op.ifSeqNo,
            if_primary_term: op.ifPrimaryTerm,
            version: op.version,
            version_type: op.version === undefined ? undefined : (op.versionType ?? 'external_gte'),
          },
        }) + '\n';
      break;
  }
  cache.set(op, text);
  return text;
}

/** UTF-8 size of the op on the wire (what `BulkBuffer` limits by). */
export function opByteSize(op: BulkOp): number {
  return Buffer.byteLength(opToNdjson(op), 'utf8');
}
