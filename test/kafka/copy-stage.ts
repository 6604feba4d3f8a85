// Child process for the SIGKILL test: a stage copying input records to an output topic, slowly, reporting progress on stdout.
import { createKafka, loadKafkaConfig } from '@spamtrap/kafka';

const [input, output, groupId] = process.argv.slice(2);
if (input === undefined || output === undefined || groupId === undefined) throw new Error('usage: copy-stage <input> <output> <groupId>');
const kafka = createKafka(loadKafkaConfig(process.env, { clientId: 'sigkill-child' }));
const publisher = kafka.createPublisher();
const consumer = kafka.createStageConsumer(publisher, {
  stage: 'copy',
  groupId,
  topic: input,
  dlqTopic: `${input}.dlq`,
  maxBatch: 5,
  handler: async (records) => {
    await new Promise((r) => setTimeout(r, 20));
    process.stdout.write(`handled ${records.length}\n`);
    return records.map((r) => ({ kind: 'ok', outputs: [{ topic: output, key: r.key, value: r.value ?? '' }] }));
  },
});
await consumer.start();
process.stdout.write('started\n');
