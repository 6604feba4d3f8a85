// `spamtrap es`: installs the index templates and the nominations index (idempotent), or prints the templates.
import { parseArgs } from 'node:util';
import { createEsStore, esConfigSchema, EsRequestError, EsUnavailableError } from '@spamtrap/es';
import { buildTemplates, checkIndexPrefix, DEFAULT_INDEX_PREFIX, evidenceIndexFor, indexNames } from '@spamtrap/es-schema';
import { UsageError, type CommandIo, type CommandSpec } from '../command.js';

const USAGE = `Usage: spamtrap es setup [--es URL] [--prefix P] [--shards N] [--replicas N]
       spamtrap es templates [--prefix P] [--shards N] [--replicas N]

  setup      PUT the component and index templates (<prefix>-ecs-common, <prefix>-evidence,
             <prefix>-nominations), then create <prefix>-nominations and this month's evidence index
             if missing. Safe to run any number of times; the nominator does the same at start.
  templates  print the template bodies as JSON (what setup installs), e.g. for review or GitOps.

  --es URL       Elasticsearch URL (default: ES_NODE or http://127.0.0.1:9200; credentials from
                 ES_USERNAME / ES_PASSWORD / ES_API_KEY)
  --prefix P     index prefix (default: ES_INDEX_PREFIX or ${DEFAULT_INDEX_PREFIX})
  --shards N     primary shards per index (default: ES_SHARDS or 1)
  --replicas N   replicas per index (default: ES_REPLICAS or 0; use 1+ on a cluster)
ES_EVIDENCE_EXTRA_COMPONENTS / ES_NOMINATIONS_EXTRA_COMPONENTS name operator component templates
(e.g. the ILM settings in deploy/elasticsearch/) to compose into the templates; create them first.
Production extras (ILM policy, field-level security role) are in deploy/elasticsearch/.
`;

function intOpt(v: string | undefined, name: string, def: number, max: number): number {
  if (v === undefined || v === '') return def;
  if (!/^\d+$/.test(v) || Number(v) > max) throw new UsageError(`${name} expects an integer 0..${max}, got ${JSON.stringify(v)}`);
  return Number(v);
}

export const command: CommandSpec = {
  summary: 'install Elasticsearch index templates and indices (setup), or print them (templates)',
  usage: USAGE,
  async run(argv: string[], io: CommandIo): Promise<number> {
    let parsed;
    try {
      parsed = parseArgs({ args: argv, allowPositionals: true, options: { es: { type: 'string' }, prefix: { type: 'string' }, shards: { type: 'string' }, replicas: { type: 'string' } } });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const [sub, ...extra] = parsed.positionals;
    if (sub !== 'setup' && sub !== 'templates') throw new UsageError(`expected "setup" or "templates", got ${JSON.stringify(sub ?? '')}`);
    if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
    const prefix = parsed.values.prefix ?? io.env['ES_INDEX_PREFIX'] ?? DEFAULT_INDEX_PREFIX;
    const problem = checkIndexPrefix(prefix);
    if (problem !== null) throw new UsageError(`--prefix ${JSON.stringify(prefix)}: ${problem}`);
    const shards = intOpt(parsed.values.shards ?? io.env['ES_SHARDS'], '--shards', 1, 64);
    const replicas = intOpt(parsed.values.replicas ?? io.env['ES_REPLICAS'], '--replicas', 0, 10);
    if (shards < 1) throw new UsageError('--shards must be at least 1');
    const components = (name: string): string[] => (io.env[name] ?? '').split(/[,\s]+/).filter((x) => x !== '');
    const templates = buildTemplates({
      prefix,
      shards,
      replicas,
      extraEvidenceComponents: components('ES_EVIDENCE_EXTRA_COMPONENTS'),
      extraNominationComponents: components('ES_NOMINATIONS_EXTRA_COMPONENTS'),
    });
    if (sub === 'templates') {
      io.stdout.write(JSON.stringify(templates, null, 2) + '\n');
      return 0;
    }
    const cfg = esConfigSchema.load(parsed.values.es !== undefined ? { ...io.env, ES_NODE: parsed.values.es } : io.env);
    const store = createEsStore(cfg);
    const names = indexNames(prefix);
    try {
      await store.installTemplates(templates);
      for (const t of [...templates.componentTemplates, ...templates.indexTemplates]) io.stdout.write(`template ${t.name}: installed\n`);
      for (const index of [names.nominations, evidenceIndexFor(prefix, new Date().toISOString())]) {
        const created = await store.ensureIndex(index);
        io.stdout.write(`index ${index}: ${created ? 'created' : 'exists'}\n`);
      }
      return 0;
    } catch (err) {
      if (err instanceof EsUnavailableError || err instanceof EsRequestError) {
        io.stderr.write(`spamtrap es setup: ${cfg.node}: ${err.message}\n`);
        return 1;
      }
      throw err;
    } finally {
      await store.close();
    }
  },
};
