// The evidence index mapping: ECS where ECS has a field, `spamtrap.*` for the rest, `dynamic: strict` everywhere.
import { MAX_SUBJECT_CHARS, MAX_URL_CHARS } from './limits.js';
import { bool, date, float, ip, kw, kwText, long, nested, obj, opaque, stored, type Properties } from './mapping-types.js';

/** ECS fields shared by evidence and nominations (kept in the common component template). */
export const COMMON_PROPERTIES: Properties = {
  '@timestamp': date(),
  ecs: obj({ version: kw() }),
  tags: kw(),
  event: obj({
    kind: kw(),
    category: kw(),
    type: kw(),
    dataset: kw(),
    module: kw(),
    provider: kw(),
    id: kw(),
    outcome: kw(),
    created: date(),
    ingested: date(),
  }),
  threat: obj({
    indicator: obj({
      type: kw(),
      ip: ip(),
      provider: kw(),
      confidence: kw(),
      description: kw(),
      first_seen: date(),
      last_seen: date(),
      sightings: long(),
      marking: obj({ tlp: kw() }),
    }),
  }),
};

const HOP_PROPERTIES: Properties = {
  index: long(),
  kind: kw(),
  from_helo: kw(),
  from_rdns: kw(),
  from_ip: ip(),
  /** The raw from-IP text when it is not a valid IP (kept for analysts; `from_ip` must parse). */
  from_ip_text: kw(),
  ident: kw(),
  by: kw(),
  with: kw(),
  auth: bool(),
  tls: bool(),
  id: kw(),
  /** Redacted `for` clause (trap addresses become trap tokens). */
  for: kw(),
  date: date(),
  mta: kw(),
  note: kw(),
  trusted: bool(),
};

/** Properties specific to evidence documents (messages and sessions). */
export const EVIDENCE_PROPERTIES: Properties = {
  observer: obj({ name: kw(), hostname: kw(), type: kw(), vendor: kw(), product: kw(), ip: ip() }),
  source: obj({ ip: ip(), port: long(), domain: kw(), address: kw() }),
  destination: obj({ ip: ip(), port: long(), address: kw() }),
  tls: obj({ established: bool(), version_protocol: kw(), cipher: kw() }),
  email: obj({
    direction: kw(),
    local_id: kw(),
    from: obj({ address: kw() }),
    sender: obj({ address: kw() }),
    reply_to: obj({ address: kw() }),
    to: obj({ address: kw() }),
    subject: kwText(MAX_SUBJECT_CHARS),
    message_id: kw(),
    x_mailer: kw(),
    content_type: kw(),
    origination_timestamp: date(),
    attachments: nested({
      file: obj({ name: kw(), extension: kw(), mime_type: kw(), size: long(), hash: obj({ sha256: kw() }) }),
    }),
  }),
  url: obj({ domain: kw(), full: kw(MAX_URL_CHARS) }),
  related: obj({ ip: ip(), hosts: kw(), hash: kw() }),
  spamtrap: obj({
    source_kind: kw(),
    message: obj({ size: long(), sha256: kw() }),
    trap: obj({ ids: kw() }),
    verdict: obj({
      class: kw(),
      confidence: float(),
      reasons: kw(),
      reason_details: opaque(),
      decided_at: date(),
    }),
    nomination: obj({ key: kw(), ip: ip(), probe: kw() }),
    smtp: obj({
      sink_id: kw(),
      connection_id: kw(),
      transaction: long(),
      helo: kw(),
      helo_verb: kw(),
      mail_from: kw(),
      tls: bool(),
      proxied_by: ip(),
      anomalies: kw(),
      anomaly_details: opaque(),
      transcript: kw(),
      messages: long(),
      opened_at: date(),
      closed_at: date(),
    }),
    received: obj({
      hops: nested(HOP_PROPERTIES),
      boundary: long(),
      count: long(),
      unparsed: long(),
      ignored: long(),
      truncated: long(),
      claimed_ips: ip(),
      reasons: kw(),
    }),
    relay: obj({ ip: ip(), helo: kw(), rdns: kw(), by: kw(), index: long(), source: kw(), auth: bool(), tls: bool() }),
    dns: obj({ ptr: kw(), fcrdns: kw(), helo_addresses: ip(), errors: kw() }),
    mail: obj({
      from_domains: kw(),
      reply_to_domains: kw(),
      message_id_domain: kw(),
      url_domains: kw(),
      url_count: long(),
      attachment_count: long(),
      attachment_types: kw(),
      header_count: long(),
      headers: kw(),
      issues: kw(),
      auto_reply: obj({ dsn: bool(), auto_submitted: kw(), precedence: kw() }),
    }),
    import: obj({ archive: kw(), file: kw(), format: kw(), entry: long(), imported_at: date() }),
    /**
     * RESTRICTED: trap recipients and the raw message. Production hides this object with field-level
     * security (deploy/elasticsearch/roles); nothing outside it may contain a trap address.
     */
    restricted: obj({
      rcpt_to: kw(),
      recipients: kw(),
      for_clauses: kw(),
      subject: stored(),
      raw: stored(),
      raw_encoding: kw(),
      raw_truncated: bool(),
    }),
  }),
};
