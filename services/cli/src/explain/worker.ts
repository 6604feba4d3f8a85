// Worker-thread side of `spamtrap explain --jobs N`: explains a chunk of files and returns the rendered lines.
import { parentPort } from 'node:worker_threads';
import { compileTrustList } from '@spamtrap/received';
import { explainOne, type ExplainOptions } from './analyse.js';
import { loadFile } from './load.js';
import { toJsonLine, toText } from './render.js';

/** What the main thread sends: plain data only (the trust list is recompiled here). */
export interface ChunkRequest {
  id: number;
  files: string[];
  json: boolean;
  trusted: string[];
  session?: { peerIp: string; helo: string | null };
  now?: string;
  maxSkewMs?: number;
}

export interface ChunkResult {
  id: number;
  text: string;
  failed: number;
}

/** Explains one chunk; shared by the worker and by the single-threaded path. */
export function explainChunk(req: ChunkRequest, opts?: ExplainOptions): ChunkResult {
  const o: ExplainOptions = opts ?? {
    trusted: compileTrustList(req.trusted),
    ...(req.session ? { session: req.session } : {}),
    ...(req.now ? { now: new Date(req.now) } : {}),
    ...(req.maxSkewMs !== undefined ? { maxSkewMs: req.maxSkewMs } : {}),
  };
  let text = '';
  let failed = 0;
  for (const f of req.files) {
    const e = explainOne(loadFile(f), o);
    if (e.error) failed++;
    text += req.json ? toJsonLine(e) + '\n' : toText(e) + '\n';
  }
  return { id: req.id, text, failed };
}

if (parentPort) {
  const port = parentPort;
  port.on('message', (req: ChunkRequest) => port.postMessage(explainChunk(req)));
}
