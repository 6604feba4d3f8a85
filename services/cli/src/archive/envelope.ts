// Envelope for replaying an archived message over SMTP: from Return-Path/From and To/Cc, unless given.
import addressparser from 'nodemailer/lib/addressparser';
import { headerEnd } from './validate.js';

/** Header block examined for envelope addresses. */
const MAX_HEADER_BYTES = 256 * 1024;
/** Recipients taken from To/Cc (the sink's own limit is 100 by default). */
const MAX_RCPT = 100;

/** Unfolded header values by lower-case name, in order. */
export function headerValues(raw: Buffer, name: string): string[] {
  const end = headerEnd(raw.subarray(0, MAX_HEADER_BYTES));
  const block = raw.subarray(0, end < 0 ? Math.min(raw.length, MAX_HEADER_BYTES) : end).toString('latin1');
  const out: string[] = [];
  const want = name.toLowerCase() + ':';
  for (const field of block.replace(/\r?\n(?=[ \t])/g, '').split(/\r?\n/)) {
    if (field.slice(0, want.length).toLowerCase() === want) out.push(field.slice(want.length).trim());
  }
  return out;
}

function addresses(values: string[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    for (const a of addressparser(v, { flatten: true })) if (a.address !== undefined && a.address !== '') out.push(a.address);
  }
  return out;
}

export interface Envelope {
  from: string;
  to: string[];
}

/** `from`: Return-Path (`<>` = null sender ''), else From; `to`: To + Cc. Overrides win. */
export function envelopeOf(raw: Buffer, over: { from?: string; to?: string[] } = {}): Envelope {
  let from = over.from;
  if (from === undefined) {
    const rp = headerValues(raw, 'return-path')[0];
    if (rp !== undefined) from = /^<\s*>$/.test(rp) ? '' : (addresses([rp])[0] ?? '');
    else from = addresses(headerValues(raw, 'from'))[0] ?? '';
  }
  const to = over.to !== undefined && over.to.length > 0 ? over.to : addresses([...headerValues(raw, 'to'), ...headerValues(raw, 'cc')]).slice(0, MAX_RCPT);
  return { from, to };
}
