// Port-busy detection: free/busy checks, the /proc/net/tcp parser, finding the listener's pid, the message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { canConnect, findListenerPid, isPortFree, listeningInodes, portBusyMessage } from '../src/ports.js';

const listen = (): Promise<{ srv: Server; port: number }> =>
  new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => resolve({ srv, port: (srv.address() as { port: number }).port }));
  });

test('listeningInodes picks LISTEN rows for the port only', () => {
  const table = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:2384 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1111 1 0000000000000000 100 0 0 10 0',
    '   1: 0100007F:2384 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 2222 1 0000000000000000 20 4 30 10 -1',
    '   2: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3333 1 0000000000000000 100 0 0 10 0',
    '   3: 00000000000000000000000001000000:2384 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  0  0 4444 1',
    '',
  ].join('\n');
  assert.deepEqual(listeningInodes(table, 9092), [1111, 4444]); // 0x2384 = 9092; the ESTABLISHED row is not a listener
  assert.deepEqual(listeningInodes(table, 8080), [3333]);
  assert.deepEqual(listeningInodes(table, 1), []);
  assert.deepEqual(listeningInodes('', 9092), []);
});

test('a port we listen on is busy, answers, and is attributed to our pid', async () => {
  const { srv, port } = await listen();
  try {
    assert.equal(await isPortFree(port), false);
    assert.equal(await canConnect(port, 1000), true);
    assert.equal(await findListenerPid(port), process.pid);
  } finally {
    await new Promise((r) => srv.close(r));
  }
  assert.equal(await isPortFree(port), true);
  assert.equal(await canConnect(port, 1000), false);
  assert.equal(await findListenerPid(port), null);
});

test('the busy-port message names the pid and the setting to change', () => {
  assert.equal(portBusyMessage(9092, 'SPAMTRAP_KAFKA_PORT', 1234), 'port 9092 is in use by another process (pid 1234); stop it or set SPAMTRAP_KAFKA_PORT');
  assert.equal(portBusyMessage(6380, 'SPAMTRAP_REDIS_PORT', null), 'port 6380 is in use by another process; stop it or set SPAMTRAP_REDIS_PORT');
});
