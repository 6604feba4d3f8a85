// Applies one bulk op to the fake's state with Elasticsearch's semantics (create 409, versions, seq_no, strict).
import type { BulkItemResult, BulkOp, EsDoc } from '../types.js';
import { PRIMARY_TERM, type MemoryCluster, type MemoryIndex, type StoredDoc } from './cluster.js';
import { strictViolation } from './mapping.js';

const fail = (status: number, type: string, reason: string): BulkItemResult => ({ ok: false, status, type, reason });
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function deepMerge(a: EsDoc, b: EsDoc): EsDoc {
  const out: EsDoc = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = isObj(v) && isObj(out[k]) ? deepMerge(out[k], v) : v;
  return out;
}

/** Lowercase, no leading `_ - +`, none of ES's forbidden characters. */
function badIndexName(name: string): string | null {
  if (name === '' || name !== name.toLowerCase() || /^[_\-+]/.test(name) || /[\\/*?"<>| ,#:]/.test(name)) return `Invalid index name [${name}]`;
  return null;
}

function seqConflict(id: string, cur: StoredDoc | undefined, ifSeqNo: number, ifPrimaryTerm: number | undefined): BulkItemResult | null {
  if (cur === undefined) return fail(409, 'version_conflict_engine_exception', `[${id}]: version conflict, required seqNo [${ifSeqNo}], primary term [${ifPrimaryTerm}] but no document was found`);
  if (cur.seqNo !== ifSeqNo || cur.primaryTerm !== ifPrimaryTerm) {
    return fail(409, 'version_conflict_engine_exception', `[${id}]: version conflict, required seqNo [${ifSeqNo}], primary term [${ifPrimaryTerm}]. current document has seqNo [${cur.seqNo}] and primary term [${cur.primaryTerm}]`);
  }
  return null;
}

function externalConflict(id: string, cur: StoredDoc | undefined, version: number, gte: boolean): BulkItemResult | null {
  if (cur === undefined) return null;
  if (gte ? version < cur.version : version <= cur.version) {
    return fail(409, 'version_conflict_engine_exception', `[${id}]: version conflict, current version [${cur.version}] is higher${gte ? '' : ' or equal to'} than the one provided [${version}]`);
  }
  return null;
}

function write(idx: MemoryIndex, id: string, source: EsDoc, version: number, existed: boolean): BulkItemResult {
  const seqNo = idx.nextSeqNo++;
  // Store a copy so later caller mutations cannot change "stored" data.
  idx.docs.set(id, { source: structuredClone(source), seqNo, primaryTerm: PRIMARY_TERM, version });
  return { ok: true, status: existed ? 200 : 201, result: existed ? 'updated' : 'created', seqNo, primaryTerm: PRIMARY_TERM, version };
}

export function applyOp(cluster: MemoryCluster, op: BulkOp): BulkItemResult {
  const badName = badIndexName(op.index);
  if (badName) return fail(400, 'invalid_index_name_exception', badName);
  let idx = cluster.indices.get(op.index);
  if (op.op === 'delete' && idx === undefined) return { ok: true, status: 404, result: 'not_found' };
  idx ??= cluster.createIndex(op.index);
  const cur = idx.docs.get(op.id);
  const strict = (doc: EsDoc): BulkItemResult | null => {
    const why = strictViolation(doc, idx.mappings);
    return why === null ? null : fail(400, 'strict_dynamic_mapping_exception', `[1:1] ${why}`);
  };

  switch (op.op) {
    case 'index': {
      const conflict =
        (op.ifSeqNo !== undefined ? seqConflict(op.id, cur, op.ifSeqNo, op.ifPrimaryTerm) : null) ??
        (op.version !== undefined ? externalConflict(op.id, cur, op.version, (op.versionType ?? 'external_gte') === 'external_gte') : null);
      if (conflict) return conflict;
      const bad = strict(op.doc);
      if (bad) return bad;
      return write(idx, op.id, op.doc, op.version ?? (cur ? cur.version + 1 : 1), cur !== undefined);
    }
    case 'create': {
      if (cur) return fail(409, 'version_conflict_engine_exception', `[${op.id}]: version conflict, document already exists (current version [${cur.version}])`);
      const bad = strict(op.doc);
      if (bad) return bad;
      return write(idx, op.id, op.doc, 1, false);
    }
    case 'update': {
      if (op.ifSeqNo !== undefined) {
        const conflict = seqConflict(op.id, cur, op.ifSeqNo, op.ifPrimaryTerm);
        if (conflict) return conflict;
      }
      if (!cur && op.docAsUpsert !== true) return fail(404, 'document_missing_exception', `[${op.id}]: document missing`);
      const merged = cur ? deepMerge(cur.source, op.doc) : op.doc;
      const bad = strict(merged);
      if (bad) return bad;
      // ES detects no-op updates by default: nothing written, seq_no and version unchanged.
      if (cur && JSON.stringify(merged) === JSON.stringify(cur.source)) {
        return { ok: true, status: 200, result: 'noop', seqNo: cur.seqNo, primaryTerm: cur.primaryTerm, version: cur.version };
      }
      return write(idx, op.id, merged, cur ? cur.version + 1 : 1, cur !== undefined);
    }
    case 'delete': {
      const conflict =
        (op.ifSeqNo !== undefined ? seqConflict(op.id, cur, op.ifSeqNo, op.ifPrimaryTerm) : null) ??
        (op.version !== undefined ? externalConflict(op.id, cur, op.version, (op.versionType ?? 'external_gte') === 'external_gte') : null);
      if (conflict) return conflict;
      if (!cur) return { ok: true, status: 404, result: 'not_found', seqNo: idx.nextSeqNo++, primaryTerm: PRIMARY_TERM };
      idx.docs.delete(op.id);
      return { ok: true, status: 200, result: 'deleted', seqNo: idx.nextSeqNo++, primaryTerm: PRIMARY_TERM, version: op.version ?? cur.version + 1 };
    }
  }
}
