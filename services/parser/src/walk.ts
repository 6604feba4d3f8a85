// The one place the parser calls @spamtrap/received: Received extraction, trust-list compilation, hop walk.
import { compileTrustList, extractHeaders, walkHops, type TrustList, type WalkOptions } from '@spamtrap/received';
import type { HopWalk, RawFacts } from '@spamtrap/contracts';

export type CompiledTrust = TrustList;

/** Compile trust entries (host patterns, CIDRs); throws TrustListError on an invalid entry. */
export function compileTrust(entries: string[]): CompiledTrust {
  return compileTrustList(entries);
}

/** A problem with one trust entry, or null when it compiles (config validation). */
export function trustEntryProblem(entry: string): string | null {
  try {
    compileTrustList([entry]);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/**
 * Walk the message's Received chain (from the raw header block: cheaper than mailparser's copy).
 * For SMTP records the session facts (peer IP from the socket, HELO as sent) win over anything the
 * header text claims (invariant 3), and the acceptance time is "now" for the future-date check, so
 * the walk depends on the input only; imports have neither.
 */
export function walkMessage(raw: Buffer, facts: RawFacts, trusted: CompiledTrust): HopWalk {
  const extracted = extractHeaders(raw);
  const opts: WalkOptions = { trusted, truncated: extracted.truncated };
  if (facts.source === 'smtp' && facts.smtp !== null) {
    opts.session = { peerIp: facts.smtp.peer.ip, helo: facts.smtp.helo, tls: facts.smtp.tls !== null };
    const accepted = Date.parse(facts.smtp.acceptedAt);
    if (!Number.isNaN(accepted)) opts.now = new Date(accepted);
  }
  return walkHops(extracted.received, opts);
}
