// BridgeSocket under node, with a fake WebSocket and a fake fetch: probe before attach, dedupe,
// acks, fallback with the server's notice, the move up to WebSocket with resend, and the remembered
// transport. (The real thing, in Chromium through proxies, is samples' BrowserDegradationTest.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BridgeSocket } from '../src/index.js';

import { FakeWebSocket, OPEN, nextRequest, tick } from './fakes.mjs';

test('WebSocket: probe before attach, in-order delivery without duplicates, coalesced acks, pongs', async () => {
  const s = new BridgeSocket('http://bridge.test/bridge', { storage: null, parallelDelay: 60000 });
  const got = [];
  s.onmessage = (e) => got.push(e.data);
  await tick();
  const ws = FakeWebSocket.all.at(-1);
  assert.match(ws.url, /^ws:\/\/bridge\.test\/bridge\/ws\?n=[A-Za-z0-9_-]{16,}$/);
  ws.open();
  assert.deepEqual(ws.frames(), [{ t: 'probe' }]);   // no session before the round trip
  ws.receive({ t: 'probe' });
  assert.deepEqual(ws.frames()[1], { t: 'attach', last: 0 });
  ws.receive(OPEN(0, false));
  assert.equal(s.readyState, BridgeSocket.OPEN);
  assert.equal(s.transport, 'websocket');
  s.send('x');
  assert.deepEqual(ws.frames().at(-1), [1, 'x']);
  ws.receive([1, 'a']);
  ws.receive([2, 'b']);
  ws.receive([2, 'b']);           // a resend: dropped
  ws.receive([3, 'c', 1]);        // acknowledges 'x'
  assert.deepEqual(got, ['a', 'b', 'c']);
  assert.equal(s.stats.duplicates, 1);
  assert.equal(s.bufferedAmount, 0);
  await tick(60);
  assert.deepEqual(ws.frames().at(-1), { t: 'ack', a: 3 });
  ws.receive({ t: 'ping', ts: 77 });
  await tick(5);
  assert.ok(ws.frames().some((f) => f.t === 'pong' && f.ts === 77));
  s.close();
  assert.deepEqual(ws.frames().at(-1), { t: 'close', code: 1000, reason: 'closed by the client' });
  assert.equal(s.readyState, BridgeSocket.CLOSED);
});

test('fallback to polling with the server\'s reason, then a probe moves the same session up with resend', async () => {
  const store = new Map();
  const storage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v), removeItem: (k) => store.delete(k) };
  const s = new BridgeSocket('http://bridge.test/bridge', { storage, probeDelay: 30, probeMaxDelay: 30 });
  const got = [], transports = [];
  s.addEventListener('message', (e) => got.push(e.data));
  s.addEventListener('transportchange', (e) => transports.push(e.transport));
  await tick();
  const ws0 = FakeWebSocket.all.at(-1);
  ws0.fail(1006); // e.g. a proxy refused the CONNECT
  assert.match(s.fallbackReason, /^websocket_unreachable/);

  const attach = await nextRequest('attach');
  assert.equal(attach.body.ws, new URL(ws0.url).searchParams.get('n')); // the nonce, for the server's notice
  assert.equal(attach.body.sid, undefined);
  attach.answer(200, [OPEN(0, false)]);
  const recv1 = await nextRequest('recv');
  assert.equal(recv1.headers['X-Bridge-Session'], 'S1');
  assert.equal(recv1.headers['X-Bridge-Key'], 'K1');
  recv1.answer(200, [{ t: 'notice', kind: 'ws_fallback', reason: 'upgrade_stripped: seen without Upgrade' }, [1, 'a']]);
  await tick();
  assert.equal(s.fallbackReason, 'upgrade_stripped: seen without Upgrade');
  assert.equal(s.fallbackSource, 'server');
  assert.equal(JSON.parse(store.get('cometbridge:transport:http://bridge.test/bridge')).transport, 'polling');

  s.send('m1');
  s.send('m2');
  const send1 = await nextRequest('send');
  assert.deepEqual(send1.body, [[1, 'm1']]); // one send at a time; the ack of 'a' went with the next receive
  send1.answer(200, [{ t: 'ack', a: 1 }]);
  const send2 = await nextRequest('send');                    // still in flight when the session moves
  assert.deepEqual(send2.body, [[2, 'm2']]);
  const held = await nextRequest('recv');
  assert.deepEqual(held.body, [{ t: 'ack', a: 1 }]);

  // The background probe: round trip first, then the attach names the last message received.
  let ws1;
  for (let i = 0; i < 100 && !(ws1 = FakeWebSocket.all.find((w) => w !== ws0 && w.readyState === 0)); i++) await tick(5);
  ws1.open();
  ws1.receive({ t: 'probe' });
  assert.deepEqual(ws1.frames()[1], { t: 'attach', sid: 'S1', key: 'K1', last: 1 });
  ws1.receive(OPEN(1, true));
  assert.equal(s.transport, 'websocket');
  assert.equal(s.fallbackReason, null);
  assert.deepEqual(ws1.frames().slice(2), [[2, 'm2']]);       // exactly what the server did not have
  ws1.receive([1, 'a']);                                       // resent by the server: dropped
  ws1.receive([2, 'b', 2]);
  held.answer(200, []);                                        // the replaced poll is released
  send2.answer(409, { error: 'transport_replaced', message: 'moved' }); // and the old send refused
  await tick();
  assert.deepEqual(got, ['a', 'b']);
  assert.deepEqual(transports, ['polling', 'websocket']);
  assert.equal(JSON.parse(store.get('cometbridge:transport:http://bridge.test/bridge')).transport, 'websocket');
  s.close();
});

test('a remembered polling start goes straight to polling', async () => {
  const key = 'cometbridge:transport:http://bridge.test/bridge';
  const store = new Map([[key, JSON.stringify({ transport: 'polling', reason: 'websocket_silent: x', at: Date.now(), until: Date.now() + 60000 })]]);
  const storage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v), removeItem: (k) => store.delete(k) };
  const before = FakeWebSocket.all.length;
  const s = new BridgeSocket('http://bridge.test/bridge', { storage, probeDelay: 60000 });
  const attach = await nextRequest('attach');
  assert.equal(FakeWebSocket.all.length, before); // no WebSocket tried first
  assert.equal(s.fallbackSource, 'memory');
  attach.answer(200, [OPEN(0, false)]);
  const recv = await nextRequest('recv');
  s.close();
  const close = await nextRequest('send');
  assert.deepEqual(close.body, [{ t: 'close', code: 1000, reason: 'closed by the client' }]);
  close.answer(200, [{ t: 'ack', a: 0 }]);
  recv.answer(200, []);
  await tick();
  assert.equal(s.readyState, BridgeSocket.CLOSED);
});
