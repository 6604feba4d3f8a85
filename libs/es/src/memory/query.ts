// The fake's query subset: match_all, term, terms, ids and bool (filter/must/must_not) with size; terms aggs.
import type { EsDoc } from '../types.js';

export class UnsupportedQueryError extends Error {
  override readonly name = 'UnsupportedQueryError';
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Values at a dotted path, flattening arrays (ES semantics: a term matches any element). */
export function valuesAt(doc: unknown, path: string): unknown[] {
  let cur: unknown[] = [doc];
  for (const part of path.split('.')) {
    const next: unknown[] = [];
    for (const c of cur) {
      if (isObj(c)) {
        if (part in c) next.push(c[part]);
      }
    }
    cur = next.flatMap((v) => (Array.isArray(v) ? (v as unknown[]) : [v]));
  }
  // Also accept a literal dotted key ({"a.b": x}).
  if (cur.length === 0 && isObj(doc) && path in doc) {
    const v = doc[path];
    return Array.isArray(v) ? (v as unknown[]) : [v];
  }
  return cur;
}

const same = (a: unknown, b: unknown): boolean => a === b || String(a) === String(b);

export function matches(query: EsDoc | undefined, id: string, source: EsDoc): boolean {
  if (query === undefined) return true;
  const entries = Object.entries(query);
  if (entries.length !== 1) throw new UnsupportedQueryError(`fake ES: a query object must have exactly one clause, got ${entries.length}`);
  const [kind, arg] = entries[0]!;
  switch (kind) {
    case 'match_all':
      return true;
    case 'ids': {
      const values = isObj(arg) && Array.isArray(arg['values']) ? (arg['values'] as unknown[]) : [];
      return values.some((v) => v === id);
    }
    case 'term': {
      const [field, spec] = Object.entries(isObj(arg) ? arg : {})[0] ?? [];
      if (field === undefined) throw new UnsupportedQueryError('fake ES: empty term query');
      const want = isObj(spec) ? spec['value'] : spec;
      return field === '_id' ? same(id, want) : valuesAt(source, field).some((v) => same(v, want));
    }
    case 'terms': {
      const [field, list] = Object.entries(isObj(arg) ? arg : {})[0] ?? [];
      if (field === undefined || !Array.isArray(list)) throw new UnsupportedQueryError('fake ES: terms needs {field: [values]}');
      return field === '_id' ? list.some((w) => same(id, w)) : valuesAt(source, field).some((v) => list.some((w) => same(v, w)));
    }
    case 'bool': {
      const b = isObj(arg) ? arg : {};
      const clauses = (k: string): EsDoc[] => {
        const c = b[k];
        return c === undefined ? [] : Array.isArray(c) ? (c as EsDoc[]) : [c as EsDoc];
      };
      return (
        [...clauses('filter'), ...clauses('must')].every((q) => matches(q, id, source)) &&
        !clauses('must_not').some((q) => matches(q, id, source)) &&
        (clauses('should').length === 0 || clauses('should').some((q) => matches(q, id, source)))
      );
    }
    default:
      throw new UnsupportedQueryError(`fake ES: query type "${kind}" is not supported (match_all, term, terms, ids, bool only)`);
  }
}

/** `terms` aggregations only: `{ name: { terms: { field, size? } } }`. */
export function aggregate(aggs: EsDoc, docs: EsDoc[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(aggs)) {
    const terms = isObj(spec) ? spec['terms'] : undefined;
    if (!isObj(terms) || typeof terms['field'] !== 'string') throw new UnsupportedQueryError(`fake ES: aggregation "${name}" is not a terms aggregation`);
    const field = terms['field'];
    const size = typeof terms['size'] === 'number' ? terms['size'] : 10;
    const counts = new Map<string, { key: unknown; n: number }>();
    for (const d of docs) {
      for (const v of new Set(valuesAt(d, field).map(String))) {
        const e = counts.get(v) ?? { key: valuesAt(d, field).find((x) => String(x) === v), n: 0 };
        e.n += 1;
        counts.set(v, e);
      }
    }
    const sorted = [...counts.values()].sort((a, b) => b.n - a.n || String(a.key).localeCompare(String(b.key)));
    const buckets = sorted.slice(0, size);
    const other = sorted.slice(size).reduce((sum, b) => sum + b.n, 0);
    out[name] = { doc_count_error_upper_bound: 0, sum_other_doc_count: other, buckets: buckets.map((b) => ({ key: b.key, doc_count: b.n })) };
  }
  return out;
}
