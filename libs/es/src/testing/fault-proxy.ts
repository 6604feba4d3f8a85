// A loopback HTTP proxy in front of real Elasticsearch that answers the first N bulk requests with 429s (tests only).
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FailurePlan } from '../memory/cluster.js';

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: point an EsStore's `node` here. */
  url: string;
  /** Bulk requests received so far (including the ones answered with an injected failure). */
  bulkRequests(): number;
  close(): Promise<void>;
}

type Upstream = { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer };

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function forward(target: URL, method: string, path: string, headers: IncomingMessage['headers'], body: Buffer): Promise<Upstream> {
  return new Promise((resolve, reject) => {
    const h = { ...headers, host: target.host, 'content-length': String(body.length) };
    delete h['transfer-encoding'];
    const up = httpRequest({ hostname: target.hostname, port: target.port, method, path, headers: h }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    up.on('error', reject);
    up.end(body);
  });
}

/** The client's product check wants this header on every 2xx. */
const ES_HEADERS = { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' };

/** Splits an NDJSON bulk body into ops: an action line plus a source line unless the action is `delete`. */
function splitOps(body: string): string[][] {
  const lines = body.split('\n').filter((l) => l !== '');
  const ops: string[][] = [];
  for (let i = 0; i < lines.length; ) {
    const action = lines[i]!;
    const isDelete = Object.keys(JSON.parse(action) as object)[0] === 'delete';
    ops.push(isDelete ? [action] : [action, lines[i + 1] ?? '']);
    i += isDelete ? 1 : 2;
  }
  return ops;
}

/**
 * `plan.scope === 'request'`: the first `plan.requests` bulk requests get HTTP `status`.
 * `plan.scope === 'items'`: in the first `plan.requests` bulk requests, items 0, every, 2*every...
 * are answered `status` without reaching ES; the remaining items are forwarded and their real
 * results merged back in order. Everything else is forwarded untouched.
 */
export async function startFaultProxy(target: string, plan: FailurePlan): Promise<FaultProxy> {
  const up = new URL(target);
  let left = plan.requests;
  let bulks = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const path = req.url ?? '/';
    const isBulk = new URL(path, 'http://x').pathname.endsWith('/_bulk');
    if (isBulk) bulks += 1;
    if (isBulk && left > 0) {
      left -= 1;
      if (plan.scope === 'request') {
        res.writeHead(plan.status, ES_HEADERS).end(JSON.stringify({ error: { type: 'es_rejected_execution_exception', reason: 'injected by fault proxy' }, status: plan.status }));
        return;
      }
      const every = Math.max(1, plan.every ?? 1);
      const ops = splitOps(body.toString('utf8'));
      const passed = ops.filter((_, i) => i % every !== 0);
      let realItems: unknown[] = [];
      if (passed.length > 0) {
        const r = await forward(up, 'POST', path, req.headers, Buffer.from(passed.flat().join('\n') + '\n'));
        realItems = (JSON.parse(r.body.toString('utf8')) as { items: unknown[] }).items;
      }
      let k = 0;
      const items = ops.map((op, i) => {
        if (i % every !== 0) return realItems[k++];
        const action = Object.keys(JSON.parse(op[0]!) as object)[0]!;
        return { [action]: { status: plan.status, error: { type: 'es_rejected_execution_exception', reason: 'injected by fault proxy' } } };
      });
      res.writeHead(200, ES_HEADERS).end(JSON.stringify({ took: 1, errors: true, items }));
      return;
    }
    const r = await forward(up, req.method ?? 'GET', path, req.headers, body);
    const headers = { ...r.headers };
    delete headers['transfer-encoding'];
    headers['content-length'] = String(r.body.length);
    res.writeHead(r.status, headers).end(r.body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`fault proxy: ${String(err)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bulkRequests: () => bulks,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
