// A fake WebSocket and a fake fetch that the tests drive by hand, installed as the globals the
// client uses (each test file runs in a process of its own).

export class FakeWebSocket {
  static all = [];
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.bufferedAmount = 0;
    this.sent = [];
    FakeWebSocket.all.push(this);
  }
  send(data) {
    if (this.readyState !== 1) throw new Error('written while ' + ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'][this.readyState]);
    this.sent.push(data);
  }
  close(code) { this.closedWith = code; this.readyState = 3; }
  // driven by the test
  open() { this.readyState = 1; this.onopen({}); }
  receive(frame) { this.onmessage({ data: typeof frame === 'string' || frame instanceof ArrayBuffer ? frame : JSON.stringify(frame) }); }
  fail(code = 1006) { this.readyState = 3; this.onclose({ code, reason: '' }); }
  frames() { return this.sent.map((s) => (typeof s === 'string' ? JSON.parse(s) : s)); }
  /** The newest socket, or a newer one than `after` once the client opens it. */
  static async next(after) {
    for (let i = 0; i < 200; i++) {
      const ws = FakeWebSocket.all.at(-1);
      if (ws && ws !== after) return ws;
      await tick(5);
    }
    throw new Error('no new WebSocket');
  }
}
globalThis.WebSocket = FakeWebSocket;

/** fetch calls wait in this queue until the test answers them. */
export const requests = [];
globalThis.fetch = (url, init) => new Promise((resolve, reject) => {
  init.signal.addEventListener('abort', () => reject(new Error('aborted')));
  requests.push({
    url, body: JSON.parse(init.body), headers: init.headers,
    answer: (status, body) => resolve({ status, text: async () => JSON.stringify(body) }),
    answerText: (status, text) => resolve({ status, text: async () => text }), // someone else's page
    fail: () => reject(new TypeError('Failed to fetch')),                       // a network error
  });
});

export const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

/**
 * A request that carries the client's batch: a `send`, or a `recv` that carries more than
 * acknowledgements (an exchange, PROTOCOL.md section 4).
 */
export const carriesBatch = (r) => r.url.endsWith('/poll/send')
  || (r.url.endsWith('/poll/recv') && r.body.some((f) => Array.isArray(f) || f.t !== 'ack'));

/**
 * The next request to an endpoint. 'send' is the next request carrying the client's batch (a send
 * or an exchange); for an exchange, `body` is its batch without the acknowledgement that ends it
 * (kept in `ack`), so a test reads the messages alike. 'recv' is the next plain receive.
 */
export async function nextRequest(endpoint) {
  const matches = (r) => endpoint === 'send' ? carriesBatch(r)
    : endpoint === 'recv' ? r.url.endsWith('/poll/recv') && !carriesBatch(r)
      : r.url.endsWith('/poll/' + endpoint);
  for (let i = 0; i < 200; i++) {
    const at = requests.findIndex(matches);
    if (at >= 0) {
      const r = requests.splice(at, 1)[0];
      if (r.url.endsWith('/poll/recv') && endpoint === 'send') {
        const last = r.body.at(-1);
        r.exchange = true;
        r.ack = last.t === 'ack' ? last.a : undefined;
        r.body = r.body.slice(0, -1);
      }
      return r;
    }
    await tick(5);
  }
  throw new Error('no ' + endpoint + ' request');
}

export const OPEN = (ack, resumed, more = {}) => ({ t: 'open', sid: 'S1', key: 'K1', ack, resumed, hb: 15000, poll: 20000, grace: 30000, ...more });

/** A socket on a WebSocket that has completed its probe, attach and open. */
export async function openOnWebSocket(BridgeSocket, options = {}, open = OPEN(0, false)) {
  const before = FakeWebSocket.all.at(-1);
  const s = new BridgeSocket('http://bridge.test/bridge', { storage: null, parallelDelay: 60000, ...options });
  const got = [];
  s.onmessage = (e) => got.push(e.data);
  const ws = await FakeWebSocket.next(before);
  ws.open();
  ws.receive({ t: 'probe' });
  ws.receive(open);
  return { s, ws, got };
}
