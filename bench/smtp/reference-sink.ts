// Reference sinks for the benchmark ladder (no Kafka): where between Postfix and our durable sink the CPU goes.
//
//   node --import tsx bench/smtp/reference-sink.ts bare|nokafka     (SINK_* settings from the environment)
//
// bare:    smtp-server alone with the sink's options: greets at once (FastGreetServer), buffers each
//          message into one Buffer, answers 250. The floor for any sink built on smtp-server.
// nokafka: our whole sink (front door, recorder, policy, sha256, facts, metrics) via startSink(), with a
//          publisher that acknowledges at once. The difference to the real sink is the Kafka client's cost
//          plus the ack wait. Never a product mode: it answers 250 with nothing stored.
import { createServer } from 'node:net';
import { createLogger } from '@spamtrap/logging';
import type { OutgoingRecord, RecordPublisher } from '@spamtrap/kafka';
import { sinkConfigSchema, splitHostPort, startSink } from '@spamtrap/smtp-sink';
import { FastGreetServer } from '../../services/smtp-sink/src/fast-greet-server.js';

const mode = process.argv[2];
const config = sinkConfigSchema.load();

if (mode === 'bare') {
  const smtp = new FastGreetServer({
    secure: false,
    disabledCommands: ['AUTH'],
    authOptional: true,
    size: config.maxMessageBytes,
    disableReverseLookup: true,
    logger: false,
    onConnect: (_s, cb) => cb(),
    onData(stream, _session, cb) {
      const chunks: Buffer[] = [];
      let n = 0;
      stream.on('data', (c: Buffer) => {
        chunks.push(c);
        n += c.length;
      });
      stream.on('end', () => {
        Buffer.concat(chunks, n); // what a real sink holds before publishing
        cb(null, 'Ok');
      });
    },
  });
  smtp.on('error', () => undefined);
  const { host, port } = splitHostPort(config.listen);
  const server = createServer({ noDelay: true }, (socket) => smtp.connect(socket, { remoteAddress: socket.remoteAddress ?? '', remotePort: socket.remotePort ?? 0 }));
  server.listen(port, host);
  process.on('SIGTERM', () => process.exit(0));
} else if (mode === 'nokafka') {
  const publisher: RecordPublisher = {
    publish: (_records: OutgoingRecord[]) => Promise.resolve(),
    isHealthy: () => true,
    close: () => Promise.resolve(),
  };
  const sink = await startSink({ ...config, metricsListen: 'off' }, { publisher, logger: createLogger('reference-sink', 'warn') });
  process.on('SIGTERM', () => void sink.stop().then(() => process.exit(0)));
} else {
  throw new Error('usage: reference-sink.ts bare|nokafka');
}
