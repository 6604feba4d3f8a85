// Turns a `POST _bulk` response body into one BulkItemResult per op, in order.
import type { BulkItemResult } from './types.js';

type RawItem = {
  status?: number;
  result?: string;
  _seq_no?: number;
  _primary_term?: number;
  _version?: number;
  error?: { type?: string; reason?: string; caused_by?: { type?: string; reason?: string } };
};

export type RawBulkResponse = { errors?: boolean; items?: Array<Record<string, RawItem>> };

export function parseBulkItems(body: RawBulkResponse, expected: number): BulkItemResult[] {
  const items = body.items ?? [];
  if (items.length !== expected) throw new Error(`bulk response has ${items.length} items for ${expected} ops`);
  return items.map((wrapper) => {
    // Each item is keyed by its action: { index: {...} } / { create: {...} } / ...
    const item = Object.values(wrapper)[0] ?? {};
    const status = item.status ?? 0;
    if (item.error !== undefined) {
      const reason = item.error.reason ?? '';
      const caused = item.error.caused_by?.reason;
      return { ok: false, status, type: item.error.type ?? 'unknown', reason: caused && !reason.includes(caused) ? `${reason} (${caused})` : reason };
    }
    return {
      ok: true,
      status,
      result: item.result ?? 'unknown',
      ...(item._seq_no !== undefined ? { seqNo: item._seq_no } : {}),
      ...(item._primary_term !== undefined ? { primaryTerm: item._primary_term } : {}),
      ...(item._version !== undefined ? { version: item._version } : {}),
    };
  });
}
