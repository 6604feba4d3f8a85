// Offline checks of deploy/kibana/*.ndjson: shapes, references, nested JSON, and every field against the index templates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldTypes } from '../src/index.js';
import { kibanaFiles, loadObjects, searchSource, templateOf, type SavedObject } from './kibana-assets.js';

const objects = loadObjects();
const byKey = new Map(objects.map((o) => [`${o.type}:${o.id}`, o]));
const dataViews = new Map(objects.filter((o) => o.type === 'index-pattern').map((o) => [o.id, o]));

function fieldsOf(dataViewId: string): ReturnType<typeof fieldTypes> {
  const dv = dataViews.get(dataViewId);
  assert.ok(dv, `data view ${dataViewId} exists`);
  return fieldTypes(templateOf(String(dv.attributes['title'])));
}

function refId(o: SavedObject, name: string): string {
  const r = o.references.find((x) => x.name === name);
  assert.ok(r, `${o.type}:${o.id} has reference ${name}`);
  return r.id;
}

/** Field names in a Lucene query: `field:`, `_exists_:field`. */
function luceneFields(q: string): string[] {
  const out = [...q.matchAll(/([A-Za-z@_][\w.@]*):/g)].map((m) => m[1]!).filter((f) => f !== '_exists_');
  out.push(...[...q.matchAll(/_exists_:([\w.@]+)/g)].map((m) => m[1]!));
  return out;
}

test('there is at least one bundle and every line is a saved object with type, id, attributes, references', () => {
  assert.ok(kibanaFiles().length >= 1);
  for (const o of objects) {
    assert.equal(typeof o.type, 'string');
    assert.equal(typeof o.id, 'string');
    assert.equal(typeof o.attributes, 'object');
    assert.ok(Array.isArray(o.references), `${o.id} references`);
    assert.equal(o.coreMigrationVersion, '8.8.0', `${o.id}: authored for 8.x`);
    assert.ok(o.typeMigrationVersion && /^8\.\d+\.\d+$/.test(o.typeMigrationVersion), `${o.id}: 8.x type version (never 9.x / model-version shapes)`);
  }
  assert.equal(byKey.size, objects.length, 'ids are unique per type');
  assert.deepEqual([...new Set(objects.map((o) => o.type))].sort(), ['dashboard', 'index-pattern', 'lens', 'search']);
});

test('every reference resolves inside the bundle', () => {
  for (const o of objects) for (const r of o.references) assert.ok(byKey.has(`${r.type}:${r.id}`), `${o.id} -> ${r.type}:${r.id}`);
});

test('data views cover evidence and nominations and hide the restricted fields', () => {
  const titles = [...dataViews.values()].map((d) => d.attributes['title']);
  assert.deepEqual(titles.sort(), ['spamtrap-evidence-*', 'spamtrap-nominations']);
  const ev = dataViews.get('spamtrap-evidence')!;
  assert.equal(ev.attributes['timeFieldName'], '@timestamp');
  const filters = JSON.parse(String(ev.attributes['sourceFilters'])) as Array<{ value: string }>;
  assert.ok(filters.some((f) => f.value.startsWith('spamtrap.restricted')));
});

test('saved searches: lucene, indexRefName matches a reference, columns/sort/query fields exist (sort fields aggregatable)', () => {
  const searches = objects.filter((o) => o.type === 'search');
  assert.ok(searches.length >= 4);
  for (const s of searches) {
    const src = searchSource(s);
    assert.equal(src.query.language, 'lucene', `${s.id} uses lucene`);
    const dvId = refId(s, src.indexRefName);
    const fields = fieldsOf(dvId);
    for (const c of s.attributes['columns'] as string[]) assert.ok(fields.has(c), `${s.id}: column ${c}`);
    for (const [f] of s.attributes['sort'] as Array<[string, string]>) {
      assert.ok(fields.get(f)?.aggregatable && !fields.get(f)?.nested, `${s.id}: sort field ${f} must be aggregatable`);
    }
    for (const f of luceneFields(src.query.query)) assert.ok(fields.has(f), `${s.id}: query field ${f}`);
  }
});

test('lens: layer references resolve, source fields exist, bucketed fields are aggregatable and not nested', () => {
  for (const l of objects.filter((o) => o.type === 'lens')) {
    const state = l.attributes['state'] as { datasourceStates: { formBased: { layers: Record<string, { columns: Record<string, { sourceField: string; isBucketed: boolean; operationType: string }>; columnOrder: string[] }> } } };
    for (const [layerId, layer] of Object.entries(state.datasourceStates.formBased.layers)) {
      const fields = fieldsOf(refId(l, `indexpattern-datasource-layer-${layerId}`));
      assert.deepEqual([...layer.columnOrder].sort(), Object.keys(layer.columns).sort(), `${l.id}: columnOrder`);
      for (const [colId, col] of Object.entries(layer.columns)) {
        if (col.sourceField === '___records___') continue;
        const f = fields.get(col.sourceField);
        assert.ok(f, `${l.id}/${colId}: field ${col.sourceField} exists`);
        if (col.isBucketed || col.operationType !== 'count') assert.ok(f.aggregatable && !f.nested, `${l.id}/${colId}: ${col.sourceField} is aggregatable`);
      }
    }
  }
});

test('dashboard panels parse and each panelRefName resolves to a reference of the same type', () => {
  const d = objects.find((o) => o.type === 'dashboard');
  assert.ok(d);
  const panels = JSON.parse(String(d.attributes['panelsJSON'])) as Array<{ type: string; panelRefName: string; panelIndex: string; gridData: { i: string } }>;
  assert.ok(panels.length >= 3);
  JSON.parse(String(d.attributes['optionsJSON']));
  JSON.parse((d.attributes['kibanaSavedObjectMeta'] as { searchSourceJSON: string }).searchSourceJSON);
  for (const p of panels) {
    const r: SavedObject["references"][number] | undefined = d.references.find((x) => x.name === p.panelRefName);
    assert.ok(r, `panel ${p.panelIndex} reference`);
    assert.equal(r.type, p.type);
    assert.equal(p.gridData.i, p.panelIndex);
  }
});
