// Exactly once across a page reload (resumeOnReload; fake WebSocket, sessionStorage and page events).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeWebSocket, OPEN, openOnWebSocket } from './fakes.mjs';

const stored = new Map();
globalThis.sessionStorage = { getItem: (k) => stored.get(k) ?? null, setItem: (k, v) => stored.set(k, String(v)), removeItem: (k) => stored.delete(k) };
const handlers = [];
globalThis.addEventListener = (type, fn) => handlers.push({ type, fn });
const fire = (type, ev = {}) => { for (const h of handlers.filter((x) => x.type === type)) h.fn(ev); };
const { BridgeSocket } = await import('../src/index.js');

test('pagehide saves the session; the next page resumes it: nothing lost, nothing twice', async () => {
  const first = await openOnWebSocket(BridgeSocket, { resumeOnReload: true });
  first.ws.receive([1, 'a']);
  first.ws.receive([2, 'b']);
  first.s.send('x');
  first.s.send('y');
  first.ws.receive({ t: 'ack', a: 1 }); // the server has x, not y
  fire('pagehide');
  assert.equal(first.ws.readyState, 3);
  assert.equal(first.ws.closedWith, 1000); // the socket goes, no close frame: the session waits in its grace period
  assert.ok(!first.ws.frames().some((f) => f.t === 'close'));
  handlers.length = 0;

  const second = await openOnWebSocket(BridgeSocket, { resumeOnReload: true }, OPEN(1, true, { next: 3 }));
  assert.equal(second.s.resumed, true);
  assert.deepEqual(second.ws.frames()[1], { t: 'attach', sid: 'S1', key: 'K1', last: 2 });
  assert.deepEqual(second.ws.frames().filter(Array.isArray), [[2, 'y']]); // y again, under its number
  second.ws.receive([3, 'c']);
  assert.deepEqual(second.got, ['c']);
  assert.equal(second.s.readyState, BridgeSocket.OPEN);
  assert.equal(stored.size, 0, 'taken once');
  second.s.close();
});

test('a saved session older than the grace period is not resumed', async () => {
  stored.set('cometbridge:reload:http://bridge.test/bridge', JSON.stringify({ sid: 'S0', key: 'K0', at: Date.now() - 60000, grace: 30000, received: 5, acked: 0, pending: [] }));
  const before = FakeWebSocket.all.at(-1);
  const { s, ws } = await openOnWebSocket(BridgeSocket, { resumeOnReload: true });
  assert.notEqual(ws, before);
  assert.equal(s.resumed, false);
  assert.deepEqual(ws.frames()[1], { t: 'attach', last: 0 });
  s.close();
});
