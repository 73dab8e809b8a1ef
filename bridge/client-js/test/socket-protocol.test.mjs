// BridgeSocket and what the server says (fake WebSocket and fetch): resume keys on every attach
// and polling request, the open frame's settings (limits, batch sizes), a resume that would leave
// a gap, what the code table says to do about each error and bare HTTP status, a failed polling
// send sent again from the first unacknowledged message, and frame types of a newer server.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { BridgeSocket as Socket } from '../src/index.js';
import { FakeWebSocket, OPEN, nextRequest, openOnWebSocket, requests, tick } from './fakes.mjs';

/** Every socket of this file, closed at the end: a test that fails half way leaves no polling loop running. */
const sockets = [];
class BridgeSocket extends Socket {
  constructor(...args) {
    super(...args);
    sockets.push(this);
  }
}
after(() => { for (const s of sockets) s.close(); });

/** A socket on polling only, its attach answered with `open`, and its first held receive. */
async function openOnPolling(open = OPEN(0, false), options = {}) {
  requests.splice(0); // what earlier tests' closed sockets left unanswered
  const s = new BridgeSocket('http://bridge.test/bridge', { storage: null, transports: ['polling'], ...options });
  const events = [];
  for (const type of ['open', 'close', 'error', 'sessionlost']) s.addEventListener(type, (e) => events.push(e));
  const attach = await nextRequest('attach');
  attach.answer(200, [open]);
  const recv = await nextRequest('recv');
  return { s, events, attach, recv };
}

test('resume keys: none for a new session; the latest open\'s on every resume; each link\'s own on its requests', async () => {
  const { s, attach, recv } = await openOnPolling(OPEN(0, false, { key: 'K1' }));
  assert.deepEqual(attach.body, { t: 'attach', last: 0 });
  assert.equal(attach.headers['X-Bridge-Session'], undefined);
  assert.equal(recv.headers['X-Bridge-Session'], 'S1');
  assert.equal(recv.headers['X-Bridge-Key'], 'K1');
  s.send('m1');
  const send = await nextRequest('send');
  assert.equal(send.headers['X-Bridge-Key'], 'K1');
  send.answer(200, [{ t: 'ack', a: 1 }]);
  // The server moved the session elsewhere (an older attach of this client's overtook it, say): re-attach.
  recv.answer(409, { error: 'transport_replaced', message: 'the session moved to another transport' });
  const again = await nextRequest('attach');
  assert.deepEqual(again.body, { t: 'attach', sid: 'S1', key: 'K1', last: 0 });
  again.answer(200, [OPEN(1, true, { key: 'K2' })]);
  const recv2 = await nextRequest('recv');
  assert.equal(recv2.headers['X-Bridge-Key'], 'K2');
  assert.equal(s.readyState, BridgeSocket.OPEN);
  recv2.answer(200, []);
  s.close();
});

test('send() refuses a message above the server\'s maxMessage (the default before the first open)', async () => {
  const s = new BridgeSocket('http://bridge.test/bridge', { storage: null, transports: ['polling'] });
  requests.splice(0);
  assert.throws(() => s.send('x'.repeat(262145)), RangeError);
  assert.throws(() => s.send(new Uint8Array(262145)), /262145 bytes is above the server's limit of 262144/);
  (await nextRequest('attach')).answer(200, [OPEN(0, false, { maxMessage: 10 })]);
  const recv = await nextRequest('recv');
  assert.throws(() => s.send('x'.repeat(11)), /message of 11 characters is above the server's limit of 10/);
  s.send('x'.repeat(10));
  assert.deepEqual((await nextRequest('send')).body, [[1, 'xxxxxxxxxx']]);
  recv.answer(200, []);
  s.close();
});

test('polling batches fit the open frame\'s maxRequest (less 256 bytes) and maxFrames', async () => {
  requests.splice(0);
  const s = new BridgeSocket('http://bridge.test/bridge', { storage: null, transports: ['polling'] });
  for (let i = 1; i <= 5; i++) s.send('aaaaaaaaa' + i); // queued while CONNECTING: 12 bytes of JSON + 16 each
  (await nextRequest('attach')).answer(200, [OPEN(0, false, { maxRequest: 256 + 60 })]);
  const recv = await nextRequest('recv');
  const sizes = [];
  for (let acked = 0; acked < 5;) {
    const send = await nextRequest('send');
    sizes.push(send.body.length);
    acked += send.body.length;
    send.answer(200, [{ t: 'ack', a: acked }]);
  }
  assert.deepEqual(sizes, [2, 2, 1]);
  recv.answer(200, [[1, 'in']]);
  for (let i = 6; i <= 9; i++) s.send('b' + i);
  // The next receive is an exchange: it carries the first batch and ends with an acknowledgement.
  const exchange = await nextRequest('send');
  assert.deepEqual(exchange.body[0], [6, 'b6']);
  assert.equal(typeof exchange.ack, 'number');
  s.close();

  requests.splice(0);
  const t = new BridgeSocket('http://bridge.test/bridge', { storage: null, transports: ['polling'] });
  for (let i = 1; i <= 5; i++) t.send('m' + i);
  (await nextRequest('attach')).answer(200, [OPEN(0, false, { maxFrames: 3 })]);
  const recv2 = await nextRequest('recv');
  const first = await nextRequest('send');
  assert.deepEqual(first.body, [[1, 'm1'], [2, 'm2']]); // and the exchange's ack: 3 frames
  assert.equal(typeof first.ack, 'number');
  recv2.answer(200, []);
  t.close();
});

test('a resume whose next is past what the client received: session lost, a new session, never a gap', async () => {
  const { s, ws, got } = await openOnWebSocket(BridgeSocket, { transports: ['websocket'] });
  const lost = [], opened = [];
  s.addEventListener('sessionlost', (e) => lost.push(e));
  s.addEventListener('open', () => opened.push(s.transport));
  ws.receive([1, 'a']);
  s.send('unacknowledged');
  ws.fail(1006);
  const again = await FakeWebSocket.next(ws);
  again.open();
  again.receive({ t: 'probe' });
  assert.deepEqual(again.frames()[1], { t: 'attach', sid: 'S1', key: 'K1', last: 1 });
  again.receive(OPEN(0, true, { next: 5, key: 'K2' })); // messages 2 to 4 are gone from the server
  assert.equal(lost.length, 1);
  assert.equal(lost[0].reason, 'the server can no longer send messages 2 to 4');
  assert.equal(lost[0].lost, 1);
  const fresh = await FakeWebSocket.next(again);
  fresh.open();
  fresh.receive({ t: 'probe' });
  assert.deepEqual(fresh.frames()[1], { t: 'attach', last: 0 }); // a new session: no sid, no key
  fresh.receive(OPEN(0, false, { sid: 'S2', key: 'K9' }));
  fresh.receive([1, 'new']);
  assert.deepEqual(got, ['a', 'new']);
  assert.deepEqual(opened, ['websocket']); // the new session's
  assert.equal(s.readyState, BridgeSocket.OPEN);
  s.close();
});

test('an open that cannot go on: the rest of its batch is not delivered into the new session', async () => {
  const { s, events, recv } = await openOnPolling();
  const got = [];
  s.onmessage = (e) => got.push(e.data);
  recv.answer(409, { error: 'transport_replaced', message: 'moved' });
  const again = await nextRequest('attach');
  assert.deepEqual(again.body, { t: 'attach', sid: 'S1', key: 'K1', last: 0 });
  again.answer(200, [OPEN(2, true), [1, 'old']]); // acknowledges 2 messages this client never sent
  const fresh = await nextRequest('attach');
  assert.deepEqual(fresh.body, { t: 'attach', last: 0 });
  assert.deepEqual(events.filter((e) => e.type === 'sessionlost').map((e) => e.reason),
    ['the server acknowledged messages this client never sent']);
  fresh.answer(200, [OPEN(0, false, { sid: 'S2', key: 'K2' }), [1, 'new']]);
  (await nextRequest('recv')).answer(200, []);
  assert.deepEqual(got, ['new']);
  s.close();
});

test('unknown_session: a new session, and the application hears of it', async () => {
  const { s, events, recv } = await openOnPolling();
  recv.answer(404, { error: 'unknown_session', message: 'unknown or expired session' });
  const attach = await nextRequest('attach');
  assert.deepEqual(attach.body, { t: 'attach', last: 0 });
  const lost = events.filter((e) => e.type === 'sessionlost');
  assert.equal(lost.length, 1);
  assert.equal(lost[0].reason, 'unknown_session: unknown or expired session');
  attach.answer(200, [OPEN(0, false, { sid: 'S2' })]);
  (await nextRequest('recv')).answer(200, []);
  assert.equal(events.filter((e) => e.type === 'open').length, 2);
  s.close();
});

test('too_large: give up, close 1009 with the server\'s reason', async () => {
  const { s, events, recv } = await openOnPolling();
  s.send('big');
  (await nextRequest('send')).answer(413, { error: 'too_large', message: 'message of 300000 characters above the limit of 262144' });
  await tick();
  assert.equal(s.readyState, BridgeSocket.CLOSED);
  assert.deepEqual(events.map((e) => e.type), ['open', 'error', 'close']);
  const close = events.at(-1);
  assert.equal(close.code, 1009);
  assert.equal(close.reason, 'message of 300000 characters above the limit of 262144');
  assert.equal(close.wasClean, false);
  recv.answer(200, []);
});

test('origin_not_allowed: the server\'s message as it is, close 4403; host_not_allowed: 4421', async () => {
  requests.splice(0);
  const s = new BridgeSocket('http://bridge.test/bridge', { storage: null, transports: ['polling'] });
  const closes = [];
  s.addEventListener('close', (e) => closes.push(e));
  const message = 'origin http://a.example is not allowed: expected http://b.example:8080 (this server, as the request '
    + 'addressed it) or an origin on the allowlist (--allowed-origins, empty)';
  (await nextRequest('attach')).answer(403, { error: 'origin_not_allowed', message });
  await tick();
  assert.deepEqual(closes.map((e) => [e.code, e.reason]), [[4403, message]]);

  const t = new BridgeSocket('http://bridge.test/bridge', { storage: null, transports: ['polling'] });
  t.onclose = (e) => closes.push(e);
  (await nextRequest('attach')).answer(421, { error: 'host_not_allowed', message: 'host rebind.example is not served here' });
  await tick();
  assert.deepEqual(closes.slice(1).map((e) => [e.code, e.reason]), [[4421, 'host rebind.example is not served here']]);
});

test('a bare HTTP status: transient ones are the same request again; any other 4xx before a session opened gives up', async () => {
  requests.splice(0);
  const s = new BridgeSocket('http://bridge.test/bridge', { storage: null, transports: ['polling'] });
  (await nextRequest('attach')).answerText(503, '<html>Service Unavailable</html>');
  (await nextRequest('attach')).answerText(429, 'slow down');
  const attach = await nextRequest('attach');
  assert.deepEqual(attach.body, { t: 'attach', last: 0 });
  attach.answer(200, [OPEN(0, false)]);
  const recv = await nextRequest('recv');
  // Once a session has opened, even a proxy's 404 page is a blip: the same receive again.
  recv.answerText(404, '<html>Not Found</html>');
  const recv2 = await nextRequest('recv');
  assert.equal(recv2.headers['X-Bridge-Key'], 'K1');
  assert.equal(s.readyState, BridgeSocket.OPEN);
  recv2.answer(200, []);
  s.close();

  const t = new BridgeSocket('http://bridge.test/wrong-prefix', { storage: null, transports: ['polling'] });
  const closes = [];
  t.onclose = (e) => closes.push(e);
  (await nextRequest('attach')).answerText(404, '<html><title>404 Not Found</title></html>');
  await tick();
  assert.equal(t.readyState, BridgeSocket.CLOSED);
  assert.deepEqual(closes.map((e) => [e.code, e.reason]), [[4404, 'HTTP 404: <html><title>404 Not Found</title></html>']]);
});

test('a polling send that fails is sent again from the first unacknowledged message (rewind)', async () => {
  const { s, recv } = await openOnPolling();
  s.send('m1');
  const send1 = await nextRequest('send');
  assert.deepEqual(send1.body, [[1, 'm1']]);
  s.send('m2'); // waits: one send at a time
  send1.fail();  // a network error: did m1 arrive? Everything unacknowledged goes again.
  const send2 = await nextRequest('send');
  assert.deepEqual(send2.body, [[1, 'm1'], [2, 'm2']]);
  send2.answerText(502, 'Bad Gateway'); // a proxy's answer: the same
  const send3 = await nextRequest('send');
  assert.deepEqual(send3.body, [[1, 'm1'], [2, 'm2']]);
  send3.answer(200, [{ t: 'ack', a: 2 }]);
  s.send('m3');
  assert.deepEqual((await nextRequest('send')).body, [[3, 'm3']]);
  assert.equal(s.readyState, BridgeSocket.OPEN);
  recv.answer(200, []);
  s.close();
});

test('control frames of a newer server are ignored; a duplicate that differs is a broken transport', async () => {
  const { s, ws, got } = await openOnWebSocket(BridgeSocket, { transports: ['websocket'] });
  ws.receive({ t: 'hint', what: 'a frame type from the future' });
  ws.receive([1, 'a']);
  assert.deepEqual(got, ['a']);
  assert.equal(ws.readyState, 1);
  ws.receive([1, 'not a']); // someone else's message under number 1: drop this socket, re-attach
  assert.equal(ws.readyState, 3);
  const again = await FakeWebSocket.next(ws);
  again.open();
  again.receive({ t: 'probe' });
  again.receive(OPEN(0, true));
  again.receive([2, 'b']);
  assert.deepEqual(got, ['a', 'b']);
  s.close();
});

test('a WebSocket closed with an error\'s code and no error frame: the code table decides (4404: new session)', async () => {
  const { s, ws } = await openOnWebSocket(BridgeSocket, { transports: ['websocket'] });
  const lost = [];
  s.addEventListener('sessionlost', (e) => lost.push(e.reason));
  ws.fail(4404);
  assert.deepEqual(lost, ['unknown_session: the WebSocket closed with 4404']);
  const fresh = await FakeWebSocket.next(ws);
  fresh.open();
  fresh.receive({ t: 'probe' });
  assert.deepEqual(fresh.frames()[1], { t: 'attach', last: 0 });
  s.close();
});

test('polling exchanges: messages ride in a receive, so a closed-loop echo costs one request per round trip', async () => {
  const { s, recv } = await openOnPolling();
  s.onmessage = (e) => { if (e.data === 'echo 1') s.send('m2'); };
  s.send('m1');
  const e1 = await nextRequest('send');
  assert.ok(e1.exchange, 'sent in a recv');
  assert.deepEqual(e1.body, [[1, 'm1']]);
  assert.equal(e1.headers['X-Bridge-Key'], 'K1');
  recv.answer(200, []); // the server releases the receive the exchange replaced
  await tick(20);
  assert.equal(requests.filter((r) => r.url.endsWith('/poll/recv')).length, 0, 'no plain receive while the exchange is out');
  e1.answer(200, [[1, 'echo 1'], { t: 'ack', a: 1 }]); // the echo rides in the exchange's answer
  const e2 = await nextRequest('send');
  assert.ok(e2.exchange);
  assert.deepEqual(e2.body, [[2, 'm2']]);
  assert.equal(e2.ack, 1); // acknowledges the echo
  await tick(20);
  assert.equal(requests.filter((r) => r.url.endsWith('/poll/recv')).length, 0, 'one request in flight: the exchange');
  e2.answer(200, [{ t: 'ack', a: 2 }]); // nothing to say: answered with the ack alone
  const plain = await nextRequest('recv'); // and the receive loop goes on
  assert.deepEqual(plain.body, [{ t: 'ack', a: 1 }]);
  plain.answer(200, []);
  s.close();
});
