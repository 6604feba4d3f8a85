// `spamtrap demo`: feeds the sample scenarios through a running sink and shows what the pipeline made of them.
import { parseArgs } from 'node:util';
import { createEsStore, esConfigSchema } from '@spamtrap/es';
import { DEFAULT_INDEX_PREFIX, indexNames } from '@spamtrap/es-schema';
import { UsageError, type CommandIo, type CommandSpec } from '../command.js';
import { command as evidenceCommand } from './evidence.js';
import { scenarios } from '../samples/scenarios.js';
import { sendRaw } from '../samples/raw-smtp-client.js';

const USAGE = `Usage: spamtrap demo [--smtp HOST:PORT] [--wait SECONDS]

Sends the sample trap mail (relay, proxy, dynamic, stolen account, backscatter, forged header,
reserved range; see services/cli/src/samples/scenarios.ts) to a sink started with
\`spamtrap pipeline up --demo\` (it trusts PROXY headers from 127.0.0.1, so each sample arrives
from its own peer address), waits until Elasticsearch has the evidence, then prints a summary
and \`spamtrap evidence IP\` for every nominated peer.

  --smtp HOST:PORT   the sink (default 127.0.0.1:2525)
  --wait SECONDS     how long to wait for the evidence to be searchable (default 120)
`;

interface Row {
  name: string;
  peer: string;
  reply: string;
  cls: string;
  nominated: string;
  probe: string;
}

function table(rows: Row[]): string {
  const head: Row = { name: 'scenario', peer: 'peer', reply: 'sink said', cls: 'verdict', nominated: 'nominated', probe: 'probe job' };
  const all = [head, ...rows];
  const keys = Object.keys(head) as (keyof Row)[];
  const w = keys.map((k) => Math.max(...all.map((r) => r[k].length)));
  return all.map((r) => keys.map((k, i) => r[k].padEnd(w[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

export const command: CommandSpec = {
  summary: 'feed sample trap mail through the running pipeline and show the resulting evidence',
  usage: USAGE,
  async run(argv: string[], io: CommandIo): Promise<number> {
    let values;
    try {
      ({ values } = parseArgs({ args: argv, options: { smtp: { type: 'string' }, wait: { type: 'string' } } }));
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const [host, portText] = (values.smtp ?? '127.0.0.1:2525').split(/:(?=\d+$)/);
    const port = Number(portText);
    if (host === undefined || !Number.isInteger(port)) throw new UsageError('--smtp expects HOST:PORT');
    const waitMs = Number(values.wait ?? '120') * 1000;
    if (!Number.isFinite(waitMs) || waitMs <= 0) throw new UsageError('--wait expects seconds');

    const list = scenarios(Date.now());
    const rows: Row[] = [];
    const accepted: string[] = [];
    for (const s of list) {
      try {
        const r = await sendRaw({ host, port, proxyFrom: s.peerIp, ...s });
        const last = r.dataReply ?? r.replies[r.replies.length - 1] ?? null;
        rows.push({ name: s.name, peer: s.peerIp, reply: last ? String(last.code) : 'no reply', cls: '?', nominated: '?', probe: '?' });
        if (r.accepted) accepted.push(s.peerIp);
      } catch (err) {
        io.stderr.write(`demo: cannot reach the sink at ${host}:${port}: ${(err as Error).message}\nStart it with: npx spamtrap pipeline up --demo\n`);
        return 1;
      }
    }
    io.stderr.write(`demo: the sink accepted ${accepted.length} of ${list.length} messages; waiting for Elasticsearch...\n`);

    const prefix = io.env['ES_INDEX_PREFIX'] ?? DEFAULT_INDEX_PREFIX;
    const names = indexNames(prefix);
    const store = createEsStore(esConfigSchema.load(io.env));
    try {
      const deadline = Date.now() + waitMs;
      const found = new Map<string, Record<string, unknown>>();
      while (found.size < accepted.length && Date.now() < deadline) {
        for (const ip of accepted) {
          if (found.has(ip)) continue;
          const r = await store.search(names.evidencePattern, { size: 1, query: { term: { 'source.ip': ip } }, sort: [{ '@timestamp': { order: 'desc' } }] }).catch(() => null);
          const hit = r?.hits[0];
          if (hit) found.set(ip, hit.source);
        }
        if (found.size < accepted.length) await new Promise((r) => setTimeout(r, 500));
      }
      for (const row of rows) {
        const doc = found.get(row.peer) as { spamtrap?: { verdict?: { class?: string }; nomination?: { key?: string; probe?: string | null } | null } } | undefined;
        if (!doc) continue;
        row.cls = doc.spamtrap?.verdict?.class ?? '?';
        row.nominated = doc.spamtrap?.nomination ? `yes (${doc.spamtrap.nomination.key})` : 'no';
        row.probe = doc.spamtrap?.nomination?.probe ?? '-';
      }
      io.stdout.write('\n' + table(rows) + '\n');
      for (const row of rows.filter((r) => r.nominated.startsWith('yes'))) {
        io.stdout.write(`$ npx spamtrap evidence ${row.peer}\n`);
        await evidenceCommand.run([row.peer, '--limit', '3'], io);
        io.stdout.write('\n');
      }
      const missing = accepted.length - found.size;
      if (missing > 0) io.stderr.write(`demo: ${missing} accepted message(s) not searchable after ${waitMs / 1000}s; see \`npx spamtrap pipeline status\` and the logs\n`);
      io.stdout.write(
        'Look further: npx spamtrap evidence IP [--json] | npx spamtrap explain FILE.eml | curl -s localhost:9200/spamtrap-evidence-*/_search?q=spamtrap.verdict.class:open_relay_suspect\n' +
          'Stop: npx spamtrap pipeline down && npx spamtrap stack down\n',
      );
      return missing === 0 ? 0 : 1;
    } finally {
      await store.close();
    }
  },
};
