// The fake's shared state: indices, documents with seq_no/version, templates, and injected failures.
import type { EsDoc } from '../types.js';
import { matchesPattern, mappingsOf, mergeMappings, type MappingNode } from './mapping.js';

export interface StoredDoc {
  source: EsDoc;
  seqNo: number;
  primaryTerm: number;
  version: number;
}

export interface MemoryIndex {
  name: string;
  docs: Map<string, StoredDoc>;
  mappings: MappingNode;
  nextSeqNo: number;
}

/**
 * What to break next: the next `requests` bulk requests either fail as a whole (`request`) or
 * have the items at positions 0, every, 2*every, ... rejected with `status` (`items`; the
 * rejected items are not applied, the others are).
 */
export interface FailurePlan {
  scope: 'request' | 'items';
  status: 429 | 503 | 500;
  requests: number;
  /** For `items`: reject every n-th item starting with the first (default 1 = all). */
  every?: number;
}

/** Single shard per index, primary term 1: enough for seq_no / version semantics. */
export const PRIMARY_TERM = 1;

export class MemoryCluster {
  readonly indices = new Map<string, MemoryIndex>();
  readonly componentTemplates = new Map<string, EsDoc>();
  readonly indexTemplates = new Map<string, EsDoc>();
  failures: FailurePlan[] = [];
  /** Bulk requests received (including the ones answered with an injected failure). */
  bulkRequests = 0;

  injectFailures(plan: FailurePlan): void {
    this.failures.push({ ...plan });
  }

  /** The plan that applies to the bulk request arriving now (consumes one request of it), or null. */
  takeFailure(): FailurePlan | null {
    const plan = this.failures.find((f) => f.requests > 0);
    if (!plan) return null;
    plan.requests -= 1;
    return plan;
  }

  /** The mapping a new index gets: its highest-priority matching index template, composed. */
  mappingFor(name: string, body?: EsDoc): MappingNode {
    let best: { priority: number; body: EsDoc } | null = null;
    for (const t of this.indexTemplates.values()) {
      const patterns = t['index_patterns'];
      const list = Array.isArray(patterns) ? (patterns as string[]) : typeof patterns === 'string' ? [patterns] : [];
      if (!matchesPattern(list, name)) continue;
      const priority = typeof t['priority'] === 'number' ? t['priority'] : 0;
      if (best === null || priority > best.priority) best = { priority, body: t };
    }
    let mapping: MappingNode = {};
    if (best) {
      const composed = Array.isArray(best.body['composed_of']) ? (best.body['composed_of'] as string[]) : [];
      for (const c of composed) mapping = mergeMappings(mapping, mappingsOf(this.componentTemplates.get(c), 'template'));
      mapping = mergeMappings(mapping, mappingsOf(best.body, 'template'));
    }
    return mergeMappings(mapping, mappingsOf(body, 'root'));
  }

  createIndex(name: string, body?: EsDoc): MemoryIndex {
    const idx: MemoryIndex = { name, docs: new Map(), mappings: this.mappingFor(name, body), nextSeqNo: 0 };
    this.indices.set(name, idx);
    return idx;
  }

  /** Indices matching a search target (`a,b-*`). */
  resolve(target: string): MemoryIndex[] {
    return [...this.indices.values()].filter((i) => matchesPattern(target, i.name));
  }
}
