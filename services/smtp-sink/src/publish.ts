// Turns an accepted message or a session's evidence into Kafka records and publishes them (acks=all).
import { RAW_CONTENT_TYPE, RAW_HEADERS, encodeJson, type RawFacts, type SessionEvidenceRecord } from '@spamtrap/contracts';
import type { OutgoingRecord, RecordPublisher } from '@spamtrap/kafka';

/** One spamtrap.raw record: value = the exact DATA bytes, key = evidence id, facts as a JSON header. */
export function rawRecord(topic: string, raw: Buffer, facts: RawFacts): OutgoingRecord {
  return {
    topic,
    key: facts.evidenceId,
    value: raw,
    headers: { [RAW_HEADERS.facts]: JSON.stringify(facts), [RAW_HEADERS.contentType]: RAW_CONTENT_TYPE },
  };
}

export function sessionRecord(topic: string, rec: SessionEvidenceRecord): OutgoingRecord {
  return { topic, key: rec.evidenceId, value: encodeJson(rec), headers: { 'content-type': 'application/json' } };
}

/**
 * publish() bounded by our own timer as well: the adapter promises to reject within `timeoutMs`,
 * but a 250 must never wait on a promise that never settles, so the sink does not rely on it.
 */
export async function publishBounded(publisher: RecordPublisher, records: OutgoingRecord[], timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no Kafka acknowledgement within ${timeoutMs} ms`)), timeoutMs + 250);
  });
  try {
    await Promise.race([publisher.publish(records, { timeoutMs }), guard]);
  } finally {
    clearTimeout(timer);
  }
}
