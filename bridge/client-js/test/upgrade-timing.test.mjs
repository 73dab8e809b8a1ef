// A WebSocket that upgrades and then passes nothing (a proxy blackholing frames after the
// upgrade): polling starts beside it soon after the handshake, not after the whole parallelDelay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BridgeSocket } from '../src/index.js';
import { FakeWebSocket, OPEN, nextRequest, tick } from './fakes.mjs';
import { UPGRADED_SLACK_MS } from '../src/connector.js';

test('upgraded but no probe echo: polling starts UPGRADED_SLACK_MS after the handshake', async () => {
  const s = new BridgeSocket('http://bridge.test/bridge', { storage: null, parallelDelay: 1500 });
  const ws = await FakeWebSocket.next();
  ws.open(); // the 101 came; the probe goes out and nothing comes back
  const opened = Date.now();
  const attach = await nextRequest('attach');
  const after = Date.now() - opened;
  assert.ok(after >= UPGRADED_SLACK_MS - 20 && after < 1000, 'polling started ' + after + ' ms after the upgrade');
  assert.ok(s.log.some((l) => l.includes('no probe echo')), s.log.join('\n'));
  attach.answer(200, [OPEN(0, false)]);
  await tick(5);
  assert.equal(s.transport, 'polling');
  s.close();
});

test('a probe echo in time: no polling', async () => {
  const before = FakeWebSocket.all.at(-1);
  const s = new BridgeSocket('http://bridge.test/bridge', { storage: null, parallelDelay: 1500 });
  const ws = await FakeWebSocket.next(before);
  ws.open();
  await tick(50);
  ws.receive({ t: 'probe' });
  ws.receive(OPEN(0, false));
  await tick(UPGRADED_SLACK_MS + 100);
  assert.equal(s.transport, 'websocket');
  assert.ok(!s.log.some((l) => l.includes('polling attach')), s.log.join('\n'));
  s.close();
});
