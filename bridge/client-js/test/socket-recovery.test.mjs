// BridgeSocket when things go wrong or differ from the defaults (fake WebSocket and fetch): gaps
// and impossible acks drop the transport and re-attach, the server's ack policy, binary messages,
// a closing socket is never written to, and background probes stop after a bounded number.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BridgeSocket } from '../src/index.js';
import { FakeWebSocket, OPEN, carriesBatch, nextRequest, openOnWebSocket, requests, tick } from './fakes.mjs';

test('a sequence gap drops the WebSocket and re-attaches; the resend fills the gap', async () => {
  const { s, ws, got } = await openOnWebSocket(BridgeSocket, { transports: ['websocket'] });
  ws.receive([1, 'a']);
  ws.receive([3, 'c']); // 2 is missing: cannot happen with a correct server
  assert.equal(ws.readyState, 3);
  assert.equal(s.transport, null);
  assert.equal(s.fallbackReason, null); // not a reason to leave WebSocket
  const again = await FakeWebSocket.next(ws); // at once: the first failure waits 0 ms
  again.open();
  again.receive({ t: 'probe' });
  assert.deepEqual(again.frames()[1], { t: 'attach', sid: 'S1', key: 'K1', last: 1 }); // the latest open's resume key
  again.receive(OPEN(0, true));
  again.receive([2, 'b']);
  again.receive([3, 'c']);
  assert.deepEqual(got, ['a', 'b', 'c']);
  assert.equal(s.readyState, BridgeSocket.OPEN);
  s.close();
});

test('a move notice (a draining server) re-attaches the session at once, and nothing is lost', async () => {
  const { s, ws, got } = await openOnWebSocket(BridgeSocket, { transports: ['websocket'] });
  s.send('one');
  ws.receive([1, 'a']);
  ws.receive({ t: 'notice', kind: 'move', reason: 'the server is draining: attach again' });
  assert.equal(ws.readyState, 3);
  assert.equal(s.fallbackReason, null); // not a reason to leave WebSocket
  const again = await FakeWebSocket.next(ws); // at once
  again.open();
  again.receive({ t: 'probe' });
  assert.deepEqual(again.frames()[1], { t: 'attach', sid: 'S1', key: 'K1', last: 1 });
  again.receive(OPEN(0, true));
  assert.deepEqual(again.frames().slice(2), [[1, 'one']]); // not acknowledged by the node that left: sent again
  again.receive([2, 'b']);
  assert.deepEqual(got, ['a', 'b']);
  assert.equal(s.readyState, BridgeSocket.OPEN);
  s.close();
});

test('an ack of something never sent drops the WebSocket and re-attaches', async () => {
  const { s, ws } = await openOnWebSocket(BridgeSocket, { transports: ['websocket'] });
  s.send('one');
  ws.receive({ t: 'ack', a: 2 });
  assert.equal(ws.readyState, 3);
  const again = await FakeWebSocket.next(ws);
  again.open();
  again.receive({ t: 'probe' });
  again.receive(OPEN(0, true));
  assert.deepEqual(again.frames().slice(2), [[1, 'one']]); // what the server did not acknowledge, again
  s.close();
});

test('the acknowledgement policy comes from the open frame', async () => {
  const { s, ws, got } = await openOnWebSocket(BridgeSocket, {}, OPEN(0, false, { ackMs: 200, ackEvery: 2 }));
  ws.receive([1, 'a']);
  await tick(60); // past the default 25 ms
  assert.equal(ws.frames().filter((f) => f.t === 'ack').length, 0);
  ws.receive([2, 'b']); // the second of ackEvery = 2: at once
  assert.deepEqual(ws.frames().at(-1), { t: 'ack', a: 2 });
  assert.deepEqual(got, ['a', 'b']);
  s.close();
});

test('binary messages travel as binary frames and arrive as ArrayBuffers', async () => {
  const { s, ws, got } = await openOnWebSocket(BridgeSocket);
  s.send(new Uint8Array([7, 8, 9]).subarray(1));
  const out = new Uint8Array(ws.sent.at(-1));
  assert.deepEqual([...out], [1, 0, 0, 0, 0, 0, 0, 0, 1, 8, 9]);
  const frame = new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0, 1, 42]).buffer;
  ws.receive(frame);
  ws.receive([2, { b64: 'Kw==' }]);
  assert.deepEqual(got.map((d) => [...new Uint8Array(d)]), [[42], [43]]);
  assert.equal(s.stats.bytesIn, 2);
  s.close();
});

test('a WebSocket that is closing is never written to; the session moves on', async () => {
  const { s, ws } = await openOnWebSocket(BridgeSocket, { transports: ['websocket'] });
  const written = ws.sent.length;
  ws.readyState = 2; // CLOSING: the close event has not come yet
  s.send('x');       // FakeWebSocket.send throws when written while not OPEN
  await tick(100);
  assert.equal(ws.sent.length, written);
  ws.fail(1006);     // the close event
  const again = await FakeWebSocket.next(ws);
  again.open();
  again.receive({ t: 'probe' });
  again.receive(OPEN(0, true));
  assert.deepEqual(again.frames().slice(2), [[1, 'x']]);
  s.close();
});

test('background probes back off and stop after maxProbes failures while polling works', async () => {
  const before = FakeWebSocket.all.at(-1);
  const s = new BridgeSocket('http://bridge.test/bridge', { storage: null, probeDelay: 10, probeMaxDelay: 20, maxProbes: 3 });
  const first = await FakeWebSocket.next(before);
  first.fail(1006);
  const attach = await nextRequest('attach');
  attach.answer(200, [OPEN(0, false)]);
  let last = first;
  for (let i = 0; i < 3; i++) {
    last = await FakeWebSocket.next(last);
    last.fail(1006); // every probe fails: each would cost a page a console error
  }
  await tick(200); // far longer than probeMaxDelay: no fourth probe comes
  assert.equal(FakeWebSocket.all.at(-1), last);
  assert.equal(s.transport, 'polling');
  assert.ok(s.log.some((l) => l.includes('no more websocket probes after 3 failures')), s.log.join('\n'));
  (await nextRequest('recv')).answer(200, []);
  s.close();
});

test('polling sends one batch at a time, also when the next starts from the previous one\'s answer', async () => {
  requests.splice(0); // what earlier tests' closed sockets left unanswered
  const s = new BridgeSocket('http://bridge.test/bridge', { storage: null, transports: ['polling'] });
  (await nextRequest('attach')).answer(200, [OPEN(0, false)]);
  const recv = await nextRequest('recv');
  s.send('m1');
  const send1 = await nextRequest('send');
  s.send('m2'); // waits for send1
  send1.answer(200, [{ t: 'ack', a: 1 }]);
  const send2 = await nextRequest('send'); // started from inside send1's answer
  assert.deepEqual(send2.body, [[2, 'm2']]);
  s.send('m3'); // send2 is still in flight: m3 waits
  await tick(50);
  assert.equal(requests.filter(carriesBatch).length, 0, 'a second batch while one is in flight');
  send2.answer(200, [{ t: 'ack', a: 2 }]);
  assert.deepEqual((await nextRequest('send')).body, [[3, 'm3']]);
  recv.answer(200, []);
  s.close();
});
