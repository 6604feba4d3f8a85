// Tiny constructors for mapping properties so the templates read like a field list.
import { MAX_KEYWORD_CHARS } from './limits.js';

export type MappingProperty = Record<string, unknown>;
export type Properties = Record<string, MappingProperty>;

export const kw = (ignoreAbove: number = MAX_KEYWORD_CHARS): MappingProperty => ({ type: 'keyword', ignore_above: ignoreAbove });
export const date = (): MappingProperty => ({ type: 'date' });
export const ip = (): MappingProperty => ({ type: 'ip' });
export const long = (): MappingProperty => ({ type: 'long' });
export const float = (): MappingProperty => ({ type: 'float' });
export const bool = (): MappingProperty => ({ type: 'boolean' });
/** Keyword plus a `.text` full-text subfield (ECS uses match_only_text, absent from the integ-test distribution). */
export const kwText = (ignoreAbove: number = MAX_KEYWORD_CHARS): MappingProperty => ({
  type: 'keyword',
  ignore_above: ignoreAbove,
  fields: { text: { type: 'text' } },
});
/** Kept in _source only: not searchable, not aggregatable (ECS `event.original` style). */
export const stored = (): MappingProperty => ({ type: 'keyword', index: false, doc_values: false });
export const obj = (properties: Properties): MappingProperty => ({ properties });
export const nested = (properties: Properties): MappingProperty => ({ type: 'nested', properties });
/** Arbitrary JSON kept in _source, never parsed into fields (so spammer-chosen keys cannot add fields). */
export const opaque = (): MappingProperty => ({ type: 'object', enabled: false });
