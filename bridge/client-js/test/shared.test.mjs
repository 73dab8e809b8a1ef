// Shared mode's multiplexer (shared-hub.js, shared-tab.js) in node: real BridgeSockets in shared
// mode, a stand-in SharedWorker whose port is one end of node's own MessageChannel and whose other
// end goes to a SharedHub, as the worker's connect event would. The hub runs a fake socket the test
// drives (the real session is tested elsewhere, and in Chromium by SharedWorkerBrowserTest).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { tick } from './fakes.mjs'; // fake WebSocket and fetch for the fallback's own session
import { BridgeSocket } from '../src/index.js';
import { SharedHub } from '../src/shared-hub.js';

/** Every MessagePort made here: closed at the end (a port with a handler keeps node running). */
const allPorts = [];
after(() => { for (const p of allPorts) p.close(); });

class FakeSocket extends EventTarget {
  readyState = 0; transport = null; fallbackReason = null; fallbackSource = null; bufferedAmount = 0; idleCutAfter = null;
  maxMessage = 262144; stats = {}; log = []; binaryType = 'blob'; sent = []; closedWith = null;
  constructor(url, options) { super(); this.url = url; this.options = options; }
  send(data) {
    if (data === 'too much') throw Object.assign(new Error('send queue full'), { name: 'QuotaExceededError' });
    this.sent.push(data);
  }
  close(code = 1000, reason = '') { this.closedWith = { code, reason }; this.readyState = 3; }
  // driven by the test
  opens() { this.readyState = 1; this.transport = 'polling'; this.dispatchEvent(new Event('open')); }
  says(data) { const ev = new Event('message'); ev.data = data; this.dispatchEvent(ev); }
  ends(code, reason) { this.readyState = 3; this.dispatchEvent(Object.assign(new Event('close'), { code, reason, wasClean: true })); }
}

/** A hub and a SharedWorker stand-in that connects to it; `ports` are the worker's ends. */
function world(timing) {
  const sockets = [];
  const hub = new SharedHub((url, options) => { const s = new FakeSocket(url, options); sockets.push(s); return s; }, timing);
  const ports = [];
  globalThis.SharedWorker = class {
    constructor(url, options) {
      this.url = String(url); this.options = options;
      const { port1, port2 } = new MessageChannel();
      allPorts.push(port1, port2);
      this.port = port1;
      ports.push(port2);
      hub.attach(port2);
    }
    addEventListener() {}
  };
  return { hub, sockets, ports };
}

/** A tab's socket in shared mode, recording what it hears. */
function tab(options = {}) {
  const sock = new BridgeSocket('http://127.0.0.1:1/bridge', { shared: true, ...options });
  sock.heard = [];
  for (const type of ['open', 'message', 'close', 'error', 'shared', 'transportchange']) {
    sock.addEventListener(type, (ev) => sock.heard.push(type === 'message' ? ev.data : type === 'close' ? 'close ' + ev.code : type));
  }
  return sock;
}

async function until(what, check) {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await tick(5);
  }
  assert.fail('timed out waiting for ' + what);
}

test('two tabs share one socket: every server message reaches both, once and in order; both tabs send into it', async () => {
  const { sockets } = world();
  const a = tab();
  a.send('a1'); // before the welcome: waits in the tab, then goes
  const b = tab();
  await until('both welcomed', () => a.heard.includes('shared') && b.heard.includes('shared'));
  assert.equal(sockets.length, 1, 'one session for both tabs');
  assert.equal(sockets[0].url, 'http://127.0.0.1:1/bridge');
  assert.equal(sockets[0].options.shared, false);
  sockets[0].opens();
  for (let i = 1; i <= 5; i++) sockets[0].says('m' + i);
  b.send('b1');
  a.send('a2');
  await until('messages', () => a.heard.length >= 7 && b.heard.length >= 7);
  assert.deepEqual(a.heard, ['shared', 'open', 'm1', 'm2', 'm3', 'm4', 'm5']);
  assert.deepEqual(b.heard, ['shared', 'open', 'm1', 'm2', 'm3', 'm4', 'm5']);
  await until('sends', () => sockets[0].sent.length === 3);
  assert.deepEqual(sockets[0].sent.slice().sort(), ['a1', 'a2', 'b1']);
  assert.ok(sockets[0].sent.indexOf('a1') < sockets[0].sent.indexOf('a2'), 'one tab\'s sends stay in order');
  assert.equal(a.readyState, 1);
  assert.equal(a.transport, 'polling');

  const c = tab(); // joins a session already open: open at once, then only what comes after
  await until('c open', () => c.heard.includes('open'));
  sockets[0].says('m6');
  await until('m6', () => c.heard.includes('m6') && a.heard.includes('m6'));
  assert.deepEqual(c.heard, ['shared', 'open', 'm6']);

  b.close(4000, 'b is done'); // one tab leaving does not end the session
  assert.equal(b.readyState, 3);
  assert.equal(b.heard.at(-1), 'close 4000');
  sockets[0].says('m7');
  await until('m7', () => a.heard.includes('m7') && c.heard.includes('m7'));
  assert.ok(!b.heard.includes('m7'));
  assert.equal(sockets[0].closedWith, null);
  a.close();
  await tick(20);
  assert.equal(sockets[0].closedWith, null, 'c is still in the session');
  c.close(4001, 'last one out');
  await until('closed', () => sockets[0].closedWith !== null);
  assert.deepEqual(sockets[0].closedWith, { code: 4001, reason: 'last one out' });

  const d = tab(); // after the session ended, the next tab starts a new one
  await until('d welcomed', () => d.heard.includes('shared'));
  assert.equal(sockets.length, 2);
  d.close();
});

test('the server ending the session closes every tab; binary messages arrive as the tab\'s binaryType', async () => {
  const { sockets } = world();
  const a = tab();
  const b = tab();
  b.binaryType = 'blob';
  await until('welcomed', () => a.heard.includes('shared') && b.heard.includes('shared'));
  sockets[0].opens();
  sockets[0].says(new Uint8Array([1, 2, 3]).buffer);
  await until('binary', () => a.heard.length === 3 && b.heard.length === 3);
  assert.deepEqual([...new Uint8Array(a.heard[2])], [1, 2, 3]);
  assert.ok(b.heard[2] instanceof Blob);
  sockets[0].ends(1001, 'shutdown');
  await until('closed', () => a.readyState === 3 && b.readyState === 3);
  assert.equal(a.heard.at(-1), 'close 1001');
  assert.equal(b.heard.at(-1), 'close 1001');
});

test('a send the worker\'s socket refuses is an error event in the tab that sent it', async () => {
  const { sockets } = world();
  const a = tab();
  const b = tab();
  await until('welcomed', () => a.heard.includes('shared') && b.heard.includes('shared'));
  a.send('too much');
  await until('error', () => a.heard.includes('error'));
  assert.ok(a.log.some((l) => l.includes('QuotaExceededError')));
  assert.ok(!b.heard.includes('error'));
  assert.throws(() => a.send('x'.repeat(262145)), RangeError); // above maxMessage: thrown in the tab, as without sharing
  assert.equal(sockets[0].sent.length, 0);
  a.close(); b.close();
});

test('a tab gone without a word is dropped; the last one gone ends the session after the leave grace', async () => {
  let now = 0;
  const { hub, sockets, ports } = world({ pingMs: 10, dropAfterMs: 100, now: () => now });
  const a = tab({ shared: { leaveGrace: 50 } });
  await until('welcomed', () => a.heard.includes('shared'));
  // A second "tab" that says hello and then never answers a ping (a crashed page).
  const { port1, port2 } = new MessageChannel();
  allPorts.push(port1, port2);
  const toSilent = [];
  port1.onmessage = (ev) => toSilent.push(ev.data.t);
  hub.attach(port2);
  port1.postMessage({ t: 'hello', url: 'http://127.0.0.1:1/bridge', options: {}, auth: null, askAuth: false });
  await until('two tabs', () => hub.tabs.size === 2);
  now = 50;
  await until('a answered a ping since', () => [...hub.tabs.values()].some((t) => t.heard === 50));
  now = 120; // the silent one last spoke at 0, tab a at 50
  await until('silent dropped', () => toSilent.includes('dropped'));
  assert.equal(hub.tabs.size, 1);
  assert.equal(a.readyState, 0);
  assert.equal(sockets[0].closedWith, null);

  ports[0].onmessage({ data: { t: 'bye' } }); // tab a's page went away (its pagehide message)
  assert.equal(hub.tabs.size, 0);
  await tick(20);
  assert.equal(sockets[0].closedWith, null, 'within the leave grace');
  await until('closed after the grace', () => sockets[0].closedWith !== null);
  assert.equal(sockets[0].closedWith.code, 1000);
  a.close();
});

test('an auth function stays in the tab: the worker asks it at every attach', async () => {
  const { sockets } = world();
  let asked = 0;
  const a = tab({ auth: async () => 'tok-' + ++asked });
  await until('welcomed', () => a.heard.includes('shared'));
  assert.equal(typeof sockets[0].options.auth, 'function');
  assert.equal(await sockets[0].options.auth(), 'tok-1');
  assert.equal(await sockets[0].options.auth(), 'tok-2');
  const b = tab({ auth: 'plain' }); // the first tab's options made the session; a string goes to the worker as it is
  await until('welcomed', () => b.heard.includes('shared'));
  a.close();
  await tick(20); // the worker has heard a leave
  await assert.rejects(sockets[0].options.auth(), /no tab with an auth function/);
  b.close();
});

test('no SharedWorker, or one that fails to start: a session of the page\'s own, a shared event saying why, sends kept', async () => {
  delete globalThis.SharedWorker;
  const a = tab({ transports: ['polling'] });
  a.send('kept');
  await until('fallback event', () => a.heard.includes('shared'));
  assert.equal(a.shared, false);
  assert.equal(a.bufferedAmount, 4, 'the send went to the page\'s own session');
  a.close();

  let fail;
  globalThis.SharedWorker = class {
    constructor() { this.port = { postMessage() {}, onmessage: null }; }
    addEventListener(type, cb) { if (type === 'error') fail = cb; }
  };
  const b = tab({ transports: ['polling'] });
  const reasons = [];
  b.addEventListener('shared', (ev) => reasons.push([ev.shared, ev.reason]));
  b.send('early');
  fail(new Event('error'));
  await until('fallback event', () => reasons.length === 1);
  assert.equal(reasons[0][0], false);
  assert.match(reasons[0][1], /failed to start/);
  assert.equal(b.shared, false);
  assert.equal(b.bufferedAmount, 5);
  b.close();
});

test('shared and resumeOnReload do not go together', () => {
  assert.throws(() => new BridgeSocket('http://127.0.0.1:1/bridge', { shared: true, resumeOnReload: true }), TypeError);
});
