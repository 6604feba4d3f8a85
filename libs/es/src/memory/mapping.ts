// The fake's simplified mapping model: template matching, mapping merge, and the `dynamic: strict` check.
import type { EsDoc } from '../types.js';

/** A mapping node: `dynamic` plus `properties` (object fields) or a leaf `type`. */
export type MappingNode = { dynamic?: boolean | 'strict' | 'true' | 'false' | 'runtime'; type?: string; properties?: Record<string, MappingNode> };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** ES-style index-pattern match: comma-separated globs where `*` matches any run of characters. */
export function matchesPattern(pattern: string | readonly string[], name: string): boolean {
  const list = typeof pattern === 'string' ? pattern.split(',') : pattern;
  return list.some((p) => new RegExp('^' + p.trim().split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$').test(name));
}

/** Deep-merges mapping `b` over `a` (properties merged field by field, other keys replaced). */
export function mergeMappings(a: MappingNode, b: MappingNode): MappingNode {
  const out: MappingNode = { ...a, ...b };
  if (a.properties || b.properties) {
    const props: Record<string, MappingNode> = { ...(a.properties ?? {}) };
    for (const [k, v] of Object.entries(b.properties ?? {})) props[k] = props[k] ? mergeMappings(props[k], v) : v;
    out.properties = props;
  }
  return out;
}

/** Reads `template.mappings` (component/index template bodies) or `mappings` (create-index body). */
export function mappingsOf(body: EsDoc | undefined, key: 'template' | 'root'): MappingNode {
  const holder = key === 'template' ? (body?.['template'] as EsDoc | undefined) : body;
  const m = holder?.['mappings'];
  return isObj(m) ? (m) : {};
}

/** Splits dotted keys (`{"a.b": 1}`) into nested objects, as ES does when parsing a document. */
function expandDots(doc: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) {
    const parts = key.split('.').filter((p) => p !== '');
    if (parts.length <= 1) {
      out[key] = value;
      continue;
    }
    let cur = out;
    for (const p of parts.slice(0, -1)) {
      if (!isObj(cur[p])) cur[p] = {};
      cur = cur[p] as Record<string, unknown>;
    }
    cur[parts[parts.length - 1]!] = value;
  }
  return out;
}

/**
 * Returns an ES-like reason when `doc` introduces a field under a `dynamic: strict` object, else
 * null. Simplified: only field presence is checked (no type checks, no `copy_to`, no runtime).
 */
export function strictViolation(doc: Record<string, unknown>, node: MappingNode, path = '', inherited: MappingNode['dynamic'] = true): string | null {
  const dynamic = node.dynamic ?? inherited;
  const props = node.properties ?? {};
  for (const [key, value] of Object.entries(expandDots(doc))) {
    const field = props[key];
    if (field === undefined) {
      if (dynamic === 'strict') return `mapping set to strict, dynamic introduction of [${key}] within [${path === '' ? '_doc' : path}] is not allowed`;
      continue;
    }
    const isObjectField = field.properties !== undefined || field.type === 'object' || field.type === 'nested';
    if (!isObjectField) continue;
    const children = Array.isArray(value) ? value.filter(isObj) : isObj(value) ? [value] : [];
    for (const child of children) {
      const why = strictViolation(child, field, path === '' ? key : `${path}.${key}`, dynamic);
      if (why !== null) return why;
    }
  }
  return null;
}
