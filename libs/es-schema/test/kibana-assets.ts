// Reads deploy/kibana/*.ndjson for the offline and integration checks of the Kibana saved objects.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const KIBANA_DIR = new URL('../../../deploy/kibana/', import.meta.url).pathname;

export interface SavedObject {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
  references: Array<{ name: string; type: string; id: string }>;
  coreMigrationVersion?: string;
  typeMigrationVersion?: string;
}

export function kibanaFiles(): string[] {
  return readdirSync(KIBANA_DIR).filter((f) => f.endsWith('.ndjson')).map((f) => join(KIBANA_DIR, f));
}

/** Every line of every bundle, parsed; throws naming file and line on a bad line. */
export function loadObjects(): SavedObject[] {
  const out: SavedObject[] = [];
  for (const file of kibanaFiles()) {
    readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        out.push(JSON.parse(line) as SavedObject);
      } catch (err) {
        throw new Error(`${file}:${i + 1}: ${(err as Error).message}`);
      }
    });
  }
  return out;
}

/** The searchSourceJSON of a saved search, parsed. */
export function searchSource(o: SavedObject): { query: { query: string; language: string }; filter: unknown[]; indexRefName: string } {
  const meta = o.attributes['kibanaSavedObjectMeta'] as { searchSourceJSON: string };
  return JSON.parse(meta.searchSourceJSON) as never;
}

/** Which index template a data view reads. */
export function templateOf(dataViewTitle: string): 'evidence' | 'nominations' {
  return dataViewTitle.includes('nominations') ? 'nominations' : 'evidence';
}
