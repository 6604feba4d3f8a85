// `spamtrap kibana import`: uploads deploy/kibana/*.ndjson through Kibana's saved-objects import API.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkIndexPrefix, DEFAULT_INDEX_PREFIX } from '@spamtrap/es-schema';
import { UsageError, type CommandIo, type CommandSpec } from '../command.js';

/** The bundled saved objects (repository layout: services/cli/src/commands -> deploy/kibana). */
export const KIBANA_ASSETS_DIR = new URL('../../../../deploy/kibana/', import.meta.url).pathname;
/** Kibana answers an import within seconds; a minute covers a slow first start. */
const IMPORT_TIMEOUT_MS = 60_000;
/** Error details printed per failed object. */
const MAX_ERRORS_SHOWN = 20;

const USAGE = `Usage: spamtrap kibana import --url URL [--file F.ndjson]... [--prefix P] [--space ID]
                              [--user U --password P | --api-key KEY]

Imports the data views, saved searches, Lens panels and dashboard with
POST <url>[/s/<space>]/api/saved_objects/_import?overwrite=true (multipart field "file",
header kbn-xsrf: true). Existing objects with the same ids are overwritten. The objects are
authored for Kibana 8.9+ (8.x shapes); newer Kibana migrates them on import.

  --url URL      Kibana base URL, e.g. http://127.0.0.1:5601
  --file F       an .ndjson bundle (repeatable; default: every deploy/kibana/*.ndjson)
  --prefix P     index prefix the data views should read (default: ES_INDEX_PREFIX or ${DEFAULT_INDEX_PREFIX})
  --space ID     Kibana space (default: the default space)
  --user/--password, --api-key   credentials (default: KIBANA_USERNAME / KIBANA_PASSWORD / KIBANA_API_KEY)
`;

interface ImportAnswer {
  success?: boolean;
  successCount?: number;
  errors?: Array<{ type?: string; id?: string; error?: { type?: string; reason?: string; message?: string } }>;
  message?: string;
}

/** Rewrites data-view titles for a non-default index prefix (`spamtrap-evidence-*` -> `p-evidence-*`). */
export function withPrefix(ndjson: string, prefix: string): string {
  if (prefix === DEFAULT_INDEX_PREFIX) return ndjson;
  return ndjson
    .split('\n')
    .map((line) => {
      if (line.trim() === '') return line;
      const o = JSON.parse(line) as { type?: string; attributes?: { title?: string } };
      if (o.type === 'index-pattern' && typeof o.attributes?.title === 'string') {
        o.attributes.title = o.attributes.title.replace(new RegExp(`^${DEFAULT_INDEX_PREFIX}-`), `${prefix}-`);
        return JSON.stringify(o);
      }
      return line;
    })
    .join('\n');
}

function authHeader(user: string | undefined, password: string | undefined, apiKey: string | undefined): Record<string, string> {
  if (apiKey) return { authorization: `ApiKey ${apiKey}` };
  if (user) return { authorization: `Basic ${Buffer.from(`${user}:${password ?? ''}`).toString('base64')}` };
  return {};
}

export const command: CommandSpec = {
  summary: 'import the Kibana data views, saved searches and dashboard (kibana import --url URL)',
  usage: USAGE,
  async run(argv: string[], io: CommandIo): Promise<number> {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
          url: { type: 'string' },
          file: { type: 'string', multiple: true },
          prefix: { type: 'string' },
          space: { type: 'string' },
          user: { type: 'string' },
          password: { type: 'string' },
          'api-key': { type: 'string' },
        },
      });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const [sub, ...extra] = parsed.positionals;
    if (sub !== 'import') throw new UsageError(`expected "import", got ${JSON.stringify(sub ?? '')}`);
    if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
    const v = parsed.values;
    if (v.url === undefined) throw new UsageError('--url is required');
    let base: URL;
    try {
      base = new URL(v.url);
    } catch {
      throw new UsageError(`--url ${JSON.stringify(v.url)} is not a URL`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new UsageError('--url must be http:// or https://');
    if (v.space !== undefined && !/^[a-z0-9_-]{1,100}$/.test(v.space)) throw new UsageError('--space must be a Kibana space id (a-z 0-9 _ -)');
    const prefix = v.prefix ?? io.env['ES_INDEX_PREFIX'] ?? DEFAULT_INDEX_PREFIX;
    const problem = checkIndexPrefix(prefix);
    if (problem !== null) throw new UsageError(`--prefix ${JSON.stringify(prefix)}: ${problem}`);
    const files = v.file ?? readdirSync(KIBANA_ASSETS_DIR).filter((f) => f.endsWith('.ndjson')).sort().map((f) => join(KIBANA_ASSETS_DIR, f));
    if (files.length === 0) throw new UsageError('no .ndjson files to import');
    for (const f of files) if (!f.endsWith('.ndjson')) throw new UsageError(`${f}: Kibana only imports files named *.ndjson`);

    const path = `${base.pathname.replace(/\/+$/, '')}${v.space ? `/s/${v.space}` : ''}/api/saved_objects/_import`;
    const target = new URL(`${path}?overwrite=true`, base);
    const headers = {
      'kbn-xsrf': 'true',
      ...authHeader(v.user ?? io.env['KIBANA_USERNAME'], v.password ?? io.env['KIBANA_PASSWORD'], v['api-key'] ?? io.env['KIBANA_API_KEY']),
    };
    let failed = 0;
    for (const file of files) {
      let body: string;
      try {
        body = withPrefix(readFileSync(file, 'utf8'), prefix);
      } catch (err) {
        io.stderr.write(`kibana import: ${file}: ${(err as Error).message}\n`);
        failed++;
        continue;
      }
      const form = new FormData();
      form.append('file', new Blob([body], { type: 'application/ndjson' }), basename(file));
      let res: Response;
      try {
        res = await fetch(target, { method: 'POST', headers, body: form, signal: AbortSignal.timeout(IMPORT_TIMEOUT_MS) });
      } catch (err) {
        io.stderr.write(`kibana import: ${target.origin}: ${(err as Error).message}\n`);
        return 1;
      }
      const text = await res.text();
      let answer: ImportAnswer = {};
      try {
        answer = JSON.parse(text) as ImportAnswer;
      } catch {
        answer = { message: text.slice(0, 300) };
      }
      if (!res.ok || answer.success !== true) {
        failed++;
        io.stderr.write(`kibana import: ${basename(file)}: HTTP ${res.status}${answer.message ? `: ${answer.message}` : ''}\n`);
        for (const e of (answer.errors ?? []).slice(0, MAX_ERRORS_SHOWN)) {
          io.stderr.write(`  ${e.type ?? '?'} ${e.id ?? '?'}: ${e.error?.type ?? ''} ${e.error?.reason ?? e.error?.message ?? ''}\n`);
        }
        continue;
      }
      io.stdout.write(`${basename(file)}: imported ${answer.successCount ?? 0} objects into ${target.origin}${v.space ? ` (space ${v.space})` : ''}\n`);
    }
    return failed === 0 ? 0 : 1;
  },
};
