// Demo DNS process: serves the sample scenarios' PTR and A records on 127.0.0.1 so the demo enricher gets real answers.
import { TestDnsServer } from '@spamtrap/dns-zone';
import { DEMO_DNS_PORT } from '../pipeline/profile.js';
import { scenarios, zoneFor } from './scenarios.js';

const port = Number(process.env['DEMO_DNS_PORT'] ?? DEMO_DNS_PORT);
const server = await TestDnsServer.start(zoneFor(scenarios()), { port });
process.stdout.write(`demo DNS zone on 127.0.0.1:${server.port}\n`);
const stop = (): void => {
  void server.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
