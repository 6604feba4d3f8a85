// spamtrap.sessions: SMTP sessions that are evidence without any message (HTTP to port 25, ...).
import type { SessionAnomaly } from './raw.js';

export interface SessionEvidenceRecord {
  v: 1;
  /** Evidence id of this session event (UUIDv7). */
  evidenceId: string;
  sinkId: string;
  connectionId: string;
  openedAt: string;
  closedAt: string;
  peer: { ip: string; port: number };
  local: { ip: string; port: number };
  proxiedBy: { ip: string; port: number } | null;
  helo: string | null;
  anomalies: SessionAnomaly[];
  /** First bytes the client sent (printable-escaped, bounded), e.g. `GET / HTTP/1.1`. */
  transcript: string[];
  messages: number;
}
