// Component and index templates for evidence and nominations, in the shape `PUT _component_template` / `_index_template` take.
import { COMMON_PROPERTIES, EVIDENCE_PROPERTIES } from './evidence-mapping.js';
import { NOMINATION_PROPERTIES } from './nomination-mapping.js';
import { indexNames } from './names.js';
import type { Properties } from './mapping-types.js';

/** Bumped whenever a mapping changes; stored in `_meta` so operators can tell which schema an index has. */
export const SCHEMA_VERSION = 1;
/** ECS version the field names follow. */
export const ECS_VERSION = '9.4.0';

export interface SchemaTemplate {
  name: string;
  body: Record<string, unknown>;
}

export interface SchemaTemplateSet {
  componentTemplates: SchemaTemplate[];
  indexTemplates: SchemaTemplate[];
}

export interface TemplateOptions {
  prefix?: string;
  /** Primary shards per index (1 is right for a single node; see docs/elasticsearch.md for sizing). */
  shards?: number;
  /** Replicas: 0 on a single node (green health); 1+ on a cluster. */
  replicas?: number;
  /**
   * Operator-owned component templates appended to `composed_of` (they must exist first), e.g. the
   * ILM settings of deploy/elasticsearch/. They add settings such as `index.lifecycle.name`; shards
   * and replicas stay ours (an index template's own settings win over its components).
   */
  extraEvidenceComponents?: readonly string[];
  extraNominationComponents?: readonly string[];
}

/** Deep-merges `b` into `a` (objects only; used to put `spamtrap.*` of several sources together). */
function mergeProps(a: Properties, b: Properties): Properties {
  const out: Properties = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    const pa = prev?.['properties'] as Properties | undefined;
    const pb = v['properties'] as Properties | undefined;
    out[k] = pa && pb ? { ...prev, ...v, properties: mergeProps(pa, pb) } : v;
  }
  return out;
}

/** All templates for one prefix. Installing them twice is a no-op (PUT replaces with identical content). */
export function buildTemplates(opts: TemplateOptions = {}): SchemaTemplateSet {
  const names = indexNames(opts.prefix);
  const settings = { number_of_shards: opts.shards ?? 1, number_of_replicas: opts.replicas ?? 0 };
  const meta = { managed_by: 'spamtrap', schema_version: SCHEMA_VERSION, ecs_version: ECS_VERSION };
  return {
    componentTemplates: [
      {
        name: names.templates.common,
        body: { template: { mappings: { properties: COMMON_PROPERTIES } }, _meta: meta },
      },
    ],
    indexTemplates: [
      {
        name: names.templates.evidence,
        body: {
          index_patterns: [names.evidencePattern],
          composed_of: [names.templates.common, ...(opts.extraEvidenceComponents ?? [])],
          priority: 200,
          template: {
            settings,
            mappings: { dynamic: 'strict', date_detection: false, properties: EVIDENCE_PROPERTIES },
          },
          _meta: { ...meta, description: 'spamtrap evidence: one document per trap message or session' },
        },
      },
      {
        name: names.templates.nominations,
        body: {
          index_patterns: [names.nominations],
          composed_of: [names.templates.common, ...(opts.extraNominationComponents ?? [])],
          priority: 200,
          template: {
            settings,
            mappings: { dynamic: 'strict', date_detection: false, properties: NOMINATION_PROPERTIES },
          },
          _meta: { ...meta, description: 'spamtrap nominations: one document per IPv4 address or IPv6 /64' },
        },
      },
    ],
  };
}

/** Effective properties of an index (common + specific), for offline checks of Kibana assets and docs. */
export function effectiveProperties(which: 'evidence' | 'nominations'): Properties {
  return mergeProps(COMMON_PROPERTIES, which === 'evidence' ? EVIDENCE_PROPERTIES : NOMINATION_PROPERTIES);
}

/** Flattened field list `a.b.c -> type` (nested paths included; subfields as `a.b.text`). */
export function fieldTypes(which: 'evidence' | 'nominations'): Map<string, { type: string; nested: boolean; aggregatable: boolean }> {
  const out = new Map<string, { type: string; nested: boolean; aggregatable: boolean }>();
  const walk = (props: Properties, path: string, inNested: boolean): void => {
    for (const [k, v] of Object.entries(props)) {
      const p = path === '' ? k : `${path}.${k}`;
      const type = (v['type'] as string | undefined) ?? 'object';
      const sub = v['properties'] as Properties | undefined;
      if (sub) {
        if (type === 'nested') out.set(p, { type, nested: inNested, aggregatable: false });
        walk(sub, p, inNested || type === 'nested');
        continue;
      }
      const docValues = v['doc_values'] !== false && v['enabled'] !== false;
      const aggregatable = docValues && type !== 'text' && type !== 'object';
      out.set(p, { type, nested: inNested, aggregatable });
      const fields = v['fields'] as Properties | undefined;
      for (const [fk, fv] of Object.entries(fields ?? {})) {
        const ft = (fv['type'] as string | undefined) ?? 'object';
        out.set(`${p}.${fk}`, { type: ft, nested: inNested, aggregatable: ft !== 'text' });
      }
    }
  };
  walk(effectiveProperties(which), '', false);
  return out;
}
