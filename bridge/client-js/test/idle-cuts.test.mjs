// Learned idle cuts (fake WebSocket and fetch): a connection lost after a silence lowers the
// keepalive below that silence, remembers it per bridge URL, and says so in idlecut events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BridgeSocket } from '../src/index.js';
import { FakeWebSocket, OPEN, nextRequest, openOnWebSocket, tick } from './fakes.mjs';
import { IdleCuts } from '../src/idle-cuts.js';

/** A Storage stand-in kept by the test. */
function memoryStorage() {
  const m = new Map();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => m.set(k, String(v)), removeItem: (k) => m.delete(k), m };
}

test('a WebSocket cut after a silence: pings below that silence on the next socket, event, remembered', async () => {
  const storage = memoryStorage();
  const { s, ws } = await openOnWebSocket(BridgeSocket, { storage, transports: ['websocket'] });
  const events = [];
  s.addEventListener('idlecut', (e) => events.push(e));
  await tick(1100); // silent for just over the shortest cut that counts
  ws.fail(1006);
  assert.equal(events.length, 1);
  assert.equal(events[0].transport, 'websocket');
  assert.equal(events[0].confirmed, false);
  assert.ok(events[0].silentMs >= 1000 && events[0].silentMs < 1500, String(events[0].silentMs));
  assert.equal(events[0].keepaliveMs, Math.floor(events[0].silentMs / 2) < 500 ? 500 : Math.floor(events[0].silentMs / 2));
  assert.equal(s.idleCutAfter, events[0].silentMs);
  assert.equal(s.stats.idleCuts, 1);
  assert.equal(JSON.parse(storage.m.get('cometbridge:idle:http://bridge.test/bridge')).cutAfter, events[0].silentMs);

  const again = await FakeWebSocket.next(ws);
  again.open();
  again.receive({ t: 'probe' });
  again.receive(OPEN(0, true));
  await tick(events[0].keepaliveMs + 150);
  assert.ok(again.frames().some((f) => f.t === 'ping'), 'pinged within the keepalive: ' + JSON.stringify(again.frames()));
  again.receive({ t: 'pong', ts: 1 });
  // No further cut for three times the silence: confirmed.
  await tick(3 * events[0].silentMs);
  assert.equal(events.length, 2);
  assert.equal(events[1].confirmed, true);
  assert.equal(JSON.parse(storage.m.get('cometbridge:idle:http://bridge.test/bridge')).confirmed, true);
  s.close();
});

test('a WebSocket closed with a close frame, or lost before any silence, teaches nothing', async () => {
  const { s, ws } = await openOnWebSocket(BridgeSocket, { transports: ['websocket'] });
  const events = [];
  s.addEventListener('idlecut', (e) => events.push(e));
  ws.fail(1006); // at once: a blip, not an idle timeout
  const again = await FakeWebSocket.next(ws);
  again.open();
  again.receive({ t: 'probe' });
  again.receive(OPEN(0, true));
  await tick(1100);
  again.fail(1001); // a close frame: someone said why
  assert.deepEqual(events, []);
  assert.equal(s.idleCutAfter, null);
  s.close();
});

test('a remembered cut is used from the first socket of the next page', async () => {
  const storage = memoryStorage();
  storage.setItem('cometbridge:idle:http://bridge.test/bridge', JSON.stringify({ cutAfter: 1200, at: Date.now(), until: Date.now() + 60000, confirmed: true }));
  const { s, ws } = await openOnWebSocket(BridgeSocket, { storage });
  assert.equal(s.idleCutAfter, 1200);
  await tick(750);
  assert.ok(ws.frames().some((f) => f.t === 'ping'), JSON.stringify(ws.frames()));
  s.close();
});

test('a held poll cut before the server would answer: later polls are ended by the client below it', async () => {
  const s = new BridgeSocket('http://bridge.test/bridge', { storage: null, transports: ['polling'] });
  const events = [];
  s.addEventListener('idlecut', (e) => events.push(e));
  (await nextRequest('attach')).answer(200, [OPEN(0, false)]);
  const held = await nextRequest('recv');
  await tick(1100);
  held.answerText(504, '<html>gateway timeout</html>'); // the proxy's idle timeout
  await tick(5);
  assert.equal(events.length, 1);
  assert.equal(events[0].transport, 'polling');
  const keep = events[0].keepaliveMs;
  const next = await nextRequest('recv');
  const started = Date.now();
  // The client abandons this one itself after the learned hold and polls again.
  const after = await nextRequest('recv');
  assert.ok(Date.now() - started >= keep - 50, 'ended after ' + (Date.now() - started) + ' ms, keepalive ' + keep);
  assert.equal(events.length, 1); // its own early end is not a cut
  assert.equal(s.stats.idleCuts, 1);
  next.answer(200, []); // too late: the client moved on
  after.answer(200, []);
  s.close();
});

test('IdleCuts: the keepalive is half the shortest cut, never below 500 ms, none when the server pings often enough', () => {
  const cuts = new IdleCuts(null, 'k', 1000, () => {}, () => {});
  assert.equal(cuts.keepalive(15000), null);
  assert.equal(cuts.pollHold(20000), null);
  assert.equal(cuts.cut('websocket', 400), false);
  cuts.cut('websocket', 5000);
  assert.equal(cuts.keepalive(15000), 2500);
  assert.equal(cuts.keepalive(2000), null); // the server's own pings are frequent enough
  assert.equal(cuts.pollHold(20000), 2500);
  cuts.cut('polling', 9000); // a longer silence does not raise what was learned
  assert.equal(cuts.cutAfter, 5000);
  cuts.cut('polling', 1000);
  assert.equal(cuts.keepalive(15000), 500);
  cuts.stop();
});
