// JSON codecs for stage records with shape checks, so a malformed record becomes a DLQ reason, not a crash.
import type { RawFacts } from './raw.js';
import type { ParsedRecord } from './parsed.js';
import type { VerdictRecord } from './verdict.js';
import { isEvidenceId } from './evidence-id.js';

/** A record that does not match its contract. `reason` is a stable DLQ reason code. */
export class ContractError extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'ContractError';
  }
}

export function encodeJson(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

function parseObject(buf: Buffer | string | null | undefined, what: string): Record<string, unknown> {
  if (buf === null || buf === undefined) throw new ContractError('EMPTY_RECORD', `${what}: record has no value`);
  let value: unknown;
  try {
    value = JSON.parse(typeof buf === 'string' ? buf : buf.toString('utf8'));
  } catch (err) {
    throw new ContractError('DECODE_FAILED', `${what}: not JSON (${(err as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ContractError('CONTRACT_VIOLATION', `${what}: not a JSON object`);
  }
  return value as Record<string, unknown>;
}

function requireEvidenceId(o: Record<string, unknown>, what: string): void {
  if (o['v'] !== 1) throw new ContractError('CONTRACT_VIOLATION', `${what}: unsupported version ${String(o['v'])}`);
  const id = o['evidenceId'];
  if (typeof id !== 'string' || !isEvidenceId(id)) {
    throw new ContractError('CONTRACT_VIOLATION', `${what}: missing or invalid evidenceId`);
  }
}

export function decodeRawFacts(buf: Buffer | string | null | undefined): RawFacts {
  const o = parseObject(buf, 'raw facts');
  requireEvidenceId(o, 'raw facts');
  if (o['source'] !== 'smtp' && o['source'] !== 'import') {
    throw new ContractError('CONTRACT_VIOLATION', 'raw facts: source must be smtp or import');
  }
  if (typeof o['sha256'] !== 'string' || typeof o['size'] !== 'number' || !Array.isArray(o['trusted'])) {
    throw new ContractError('CONTRACT_VIOLATION', 'raw facts: sha256, size and trusted are required');
  }
  if (o['source'] === 'smtp' && (typeof o['smtp'] !== 'object' || o['smtp'] === null)) {
    throw new ContractError('CONTRACT_VIOLATION', 'raw facts: smtp source without session facts');
  }
  return o as unknown as RawFacts;
}

export function decodeParsed(buf: Buffer | string | null | undefined): ParsedRecord {
  const o = parseObject(buf, 'parsed record');
  requireEvidenceId(o, 'parsed record');
  const walk = o['walk'] as Record<string, unknown> | undefined;
  if (typeof walk !== 'object' || walk === null || !Array.isArray(walk['hops'])) {
    throw new ContractError('CONTRACT_VIOLATION', 'parsed record: walk.hops missing');
  }
  if (typeof o['rawBase64'] !== 'string' || typeof o['facts'] !== 'object' || o['facts'] === null) {
    throw new ContractError('CONTRACT_VIOLATION', 'parsed record: facts and rawBase64 are required');
  }
  return o as unknown as ParsedRecord;
}

export function decodeVerdict(buf: Buffer | string | null | undefined): VerdictRecord {
  const o = parseObject(buf, 'verdict record');
  requireEvidenceId(o, 'verdict record');
  if (typeof o['class'] !== 'string' || !Array.isArray(o['reasons'])) {
    throw new ContractError('CONTRACT_VIOLATION', 'verdict record: class and reasons are required');
  }
  if (typeof o['parsed'] !== 'object' || o['parsed'] === null) {
    throw new ContractError('CONTRACT_VIOLATION', 'verdict record: parsed record missing');
  }
  return o as unknown as VerdictRecord;
}
