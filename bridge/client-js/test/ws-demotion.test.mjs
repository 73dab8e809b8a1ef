// WebSockets that open but are useless (fake WebSocket and fetch): after MAX_USELESS of them in a
// row the session stays on polling for demoteFor, remembered once polling proved the network
// works; then WebSocket is tested again in the background.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BridgeSocket } from '../src/index.js';
import { FakeWebSocket, OPEN, nextRequest, requests, tick } from './fakes.mjs';
import { MAX_USELESS } from '../src/ws-demotion.js';

function memoryStorage() {
  const m = new Map();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => m.set(k, String(v)), removeItem: (k) => m.delete(k), m };
}
const KEY = 'cometbridge:transport:http://bridge.test/bridge';

test('WebSockets lost soon after opening, 3 in a row: polling for demoteFor, remembered, then re-tested', async () => {
  const storage = memoryStorage();
  const s = new BridgeSocket('http://bridge.test/bridge', { storage, parallelDelay: 60000, demoteFor: 1500, probeDelay: 50 });
  let ws = await FakeWebSocket.next();
  for (let i = 1; i <= MAX_USELESS; i++) {
    ws.open();
    ws.receive({ t: 'probe' });
    ws.receive(OPEN(0, i > 1));
    assert.equal(s.transport, 'websocket');
    ws.fail(1006); // at once: no idle cut, just a socket something kills
    if (i < MAX_USELESS) ws = await FakeWebSocket.next(ws);
  }
  assert.ok(String(s.fallbackReason).startsWith('websocket_useless'), s.fallbackReason);
  const attach = await nextRequest('attach'); // polling first now
  const sockets = FakeWebSocket.all.length;
  assert.equal(JSON.parse(storage.m.get(KEY)).transport, 'websocket', 'polling not remembered before it answered');
  attach.answer(200, [OPEN(0, true)]); // the network works: now it is remembered, for demoteFor
  const recv = await nextRequest('recv');
  assert.equal(s.transport, 'polling');
  const m = JSON.parse(storage.m.get(KEY));
  assert.equal(m.transport, 'polling');
  assert.ok(m.until - m.at <= 1500);
  await tick(800);
  assert.equal(FakeWebSocket.all.length, sockets, 'no WebSocket probe while demoted');
  const probe = await FakeWebSocket.next(FakeWebSocket.all.at(-1)); // after the demotion: tested again
  probe.open();
  probe.receive({ t: 'probe' });
  probe.receive(OPEN(0, true));
  assert.equal(s.transport, 'websocket');
  assert.equal(JSON.parse(storage.m.get(KEY)).transport, 'websocket'); // a success clears it
  s.close();
  recv.answer(200, []);
  for (const r of requests.splice(0)) r.answer(200, []);
});

test('a WebSocket failure while polling fails too (the network is down) is not remembered', async () => {
  const storage = memoryStorage();
  const s = new BridgeSocket('http://bridge.test/bridge', { storage, transports: ['polling', 'websocket'], probeDelay: 30, maxProbes: 1 });
  (await nextRequest('attach')).answer(200, [OPEN(0, false)]);
  const recv = await nextRequest('recv');
  const before = FakeWebSocket.all.at(-1);
  recv.answerText(200, '[]'); // an answer: fine; then the network goes
  (await nextRequest('recv')).fail();
  const probe = await FakeWebSocket.next(before);
  probe.fail(1006); // the background probe fails: blocked, or the network is down?
  await tick(20);
  assert.ok(s.fallbackReason);
  const stored = () => JSON.parse(storage.m.get(KEY)).reason;
  assert.ok(!stored().startsWith('websocket'), 'nothing remembered while polling fails too: ' + stored());
  (await nextRequest('recv')).answer(200, []); // polling works: WebSocket is what is blocked
  await waitFor(() => stored().startsWith('websocket') || undefined);
  s.close();
  for (const r of requests.splice(0)) r.answer(200, []);
});

async function waitFor(fn) {
  for (let i = 0; i < 100; i++) {
    const v = fn();
    if (v !== undefined && v !== null) return v;
    await tick(10);
  }
  throw new Error('never came');
}
