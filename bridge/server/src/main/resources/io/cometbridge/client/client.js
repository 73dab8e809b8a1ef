// Comet Bridge browser client: one session over WebSocket or HTTP long-polling.
//
// Zero dependencies, an ES module; served by the bridge at {prefix}/client.js. It speaks the wire
// protocol of docs/PROTOCOL.md (version 1) and degrades as DESIGN.md section 7 asks:
//
//  * WebSocket first (order configurable). A WebSocket counts as working only once the server's
//    first frame came back over it: the client sends a `probe` and waits for its echo before it
//    attaches a session to the socket. A proxy that completes the upgrade and then passes nothing
//    is caught by the trust timeout.
//  * If the WebSocket has not proven itself after `parallelDelay` ms, long-polling starts beside
//    it, so the first message never waits out a long timeout. There is only ever one attach that
//    creates a session in flight: the WebSocket attaches only after its probe round trip, and when
//    polling got there first the WebSocket becomes an upgrade of the same session.
//  * On polling, background probes (with backoff) move the session up to WebSocket. The move is an
//    attach naming the last server message received; the server resends the rest, this client
//    resends what the server did not acknowledge, both sides drop duplicates: no gap, no loss.
//  * What worked is remembered per bridge URL in localStorage (with an expiry), so the next page
//    load starts on it.
//  * `fallbackReason` says why the session is not on WebSocket. The client knows little (browsers
//    only report close code 1006); the server tells what it saw when a damaged upgrade reached it
//    (PROTOCOL.md section 3.1) and that reason replaces the client's guess.
//
// API: like WebSocket (open/message/close/error events, on* properties, send, close, readyState,
// bufferedAmount, binaryType) plus `transport`, `fallbackReason`, `stats` and the events
// `transportchange`, `fallback` and `sessionlost`. Unlike a WebSocket, it accepts send() while
// CONNECTING (messages wait for the session) and keeps its session across transport changes.

const CONNECTING = 0, OPEN = 1, CLOSING = 2, CLOSED = 3;
const WEBSOCKET = 'websocket', POLLING = 'polling';

export const DEFAULTS = Object.freeze({
  /** Transports in the order to try. */
  transports: [WEBSOCKET, POLLING],
  /** Start long-polling beside a WebSocket that has not proven itself after this many ms. */
  parallelDelay: 1500,
  /** A WebSocket must complete its handshake and probe round trip within this many ms. */
  trustTimeout: 6000,
  /** First background WebSocket probe while on polling, then doubling (with jitter) up to probeMaxDelay. */
  probeDelay: 2000,
  probeMaxDelay: 60000,
  /** Remember per bridge URL which transport worked, for this many ms (0: do not remember). */
  rememberFor: 24 * 3600 * 1000,
  /** Client replay buffer bound: unacknowledged messages and their payload size. */
  maxQueuedMessages: 4096,
  maxQueuedBytes: 8 * 1024 * 1024,
  /** A poll response is held by the server for `poll` ms; give up on a request after that plus this. */
  pollSlack: 15000,
  /** Storage for the remembered transport (default: localStorage when available). */
  storage: undefined,
  /** Log state changes to the console. */
  debug: false,
});

const MAX_BATCH_BYTES = 256 * 1024;
// The server refuses a polling request with more than 1000 frames (its default maxBatchFrames).
const MAX_BATCH_FRAMES = 500;
const ACK_DELAY = 25, ACK_EVERY = 32;
const MAX_WS_BUFFERED = 1 << 20;
const LOG_SIZE = 200;

/** A frame that stays on one transport's wire. Exported for unit tests. */
export function encodeData(seq, entry, ack) {
  const payload = entry.text !== undefined ? JSON.stringify(entry.text) : '{"b64":"' + toBase64(entry.bytes) + '"}';
  return '[' + seq + ',' + payload + (ack !== undefined ? ',' + ack : '') + ']';
}

/** A WebSocket binary data frame: 0x01, seq as 64-bit big-endian, the bytes. */
export function encodeBinaryFrame(seq, bytes) {
  const buf = new ArrayBuffer(9 + bytes.length);
  const view = new DataView(buf);
  view.setUint8(0, 1);
  view.setUint32(1, Math.floor(seq / 0x100000000));
  view.setUint32(5, seq >>> 0);
  new Uint8Array(buf, 9).set(bytes);
  return buf;
}

/** Decodes a WebSocket binary data frame into [seq, ArrayBuffer]; throws if malformed. */
export function decodeBinaryFrame(buf) {
  if (buf.byteLength < 9) throw new Error('binary frame shorter than its 9-byte header');
  const view = new DataView(buf);
  if (view.getUint8(0) !== 1) throw new Error('unknown binary frame type ' + view.getUint8(0));
  const seq = view.getUint32(1) * 0x100000000 + view.getUint32(5);
  return [seq, buf.slice(9)];
}

export function toBase64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromBase64(b64) {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out.buffer;
}

/** UTF-8 length of a string without allocating (for the byte counters). */
export function utf8Length(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) { n += 4; i++; }
    else n += 3;
  }
  return n;
}

function randomNonce() {
  const bytes = new Uint8Array(16);
  if (globalThis.crypto && crypto.getRandomValues) crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function now() {
  return globalThis.performance ? performance.now() : Date.now();
}

function newCounters() {
  return { messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0, wireIn: 0, wireOut: 0, requests: 0, frames: 0 };
}

/** Parses one JSON frame; data frames become arrays, control frames objects. Throws on garbage. */
export function parseFrame(text) {
  const f = JSON.parse(text);
  if (Array.isArray(f)) {
    if (f.length < 2 || !Number.isInteger(f[0]) || f[0] < 1) throw new Error('malformed data frame');
    return f;
  }
  if (f === null || typeof f !== 'object' || typeof f.t !== 'string') throw new Error('malformed frame');
  return f;
}

// ==================================================================== transports

/**
 * One WebSocket: first a probe round trip (trust), then, if the client picks it, an attach.
 * states: connecting -> probing -> trusted -> attaching -> attached, or dead.
 */
class WsLink {
  constructor(owner, purpose) {
    this.kind = WEBSOCKET;
    this.owner = owner;
    this.purpose = purpose; // 'connect' (first try) or 'probe' (from polling)
    this.state = 'connecting';
    this.opened = false;
    this.startedAt = now();
    this.timer = null;
  }

  start() {
    const o = this.owner;
    let ws;
    try {
      ws = new WebSocket(o._wsUrl);
    } catch (e) {
      setTimeout(() => this._fail('websocket_unreachable: the browser refused to open a WebSocket (' + e.message + ')'), 0);
      return;
    }
    this.ws = ws;
    ws.binaryType = 'arraybuffer';
    this.timer = setTimeout(() => {
      const t = o.options.trustTimeout;
      this._fail(this.opened
        ? 'websocket_silent: the WebSocket upgraded but no frame came back within ' + t + ' ms (something between passes no frames)'
        : 'websocket_timeout: no WebSocket handshake within ' + t + ' ms');
    }, o.options.trustTimeout);
    ws.onopen = () => {
      if (this.state === 'dead') return;
      this.opened = true;
      this.state = 'probing';
      this._write('{"t":"probe"}');
    };
    ws.onmessage = (ev) => this._message(ev.data);
    ws.onerror = () => { /* onclose follows with the code */ };
    ws.onclose = (ev) => {
      if (this.state === 'dead') return;
      if (this.state === 'attached') {
        this.state = 'dead';
        o._transportLost(this, 'websocket_closed: the WebSocket closed (code ' + ev.code + (ev.reason ? ', ' + ev.reason : '') + ')');
      } else if (!this.opened) {
        this._fail('websocket_unreachable: the WebSocket failed before its handshake completed (close code ' + ev.code
          + '); browsers hide the cause: a forward proxy refusing CONNECT, a firewall, or a proxy dropping the upgrade');
      } else {
        this._fail('websocket_closed: the WebSocket closed (code ' + ev.code + (ev.reason ? ', ' + ev.reason : '')
          + ') before the server\'s first frame');
      }
    };
  }

  _message(data) {
    if (this.state === 'dead') return;
    const o = this.owner;
    let frame;
    try {
      if (typeof data === 'string') {
        o._count(WEBSOCKET, 'wireIn', utf8Length(data));
        frame = parseFrame(data);
      } else {
        o._count(WEBSOCKET, 'wireIn', data.byteLength);
        frame = decodeBinaryFrame(data);
      }
    } catch (e) {
      this._broken('malformed frame from the server: ' + e.message);
      return;
    }
    o._count(WEBSOCKET, 'frames', 1);
    if (this.state === 'probing') {
      if (frame.t === 'probe') {
        clearTimeout(this.timer);
        this.state = 'trusted';
        this.rtt = now() - this.startedAt;
        o._wsTrusted(this);
      } else {
        this._fail('websocket_garbled: the WebSocket answered the probe with something else');
      }
      return;
    }
    if (frame.t === 'probe') return;
    if (frame.t === 'error') {
      this.state = 'dead';
      clearTimeout(this.timer);
      this.ws.close();
      o._serverError(this, frame.error, frame.message);
      return;
    }
    o._onFrames(this, [frame]);
  }

  /** Sends the attach; the open frame comes back through _onFrames. */
  attach(frame) {
    this.state = 'attaching';
    const t = this.owner.options.trustTimeout;
    this.timer = setTimeout(() => this._broken('no open frame within ' + t + ' ms of the attach'), t);
    this._write(JSON.stringify(frame));
  }

  attached() {
    clearTimeout(this.timer);
    this.state = 'attached';
  }

  canSend() {
    return this.state === 'attached' && this.ws.bufferedAmount < MAX_WS_BUFFERED;
  }

  /** frames: strings (JSON) or ArrayBuffers (binary data frames), one WebSocket message each. */
  send(frames) {
    for (const f of frames) this._write(f);
  }

  _write(f) {
    const size = typeof f === 'string' ? utf8Length(f) : f.byteLength;
    this.owner._count(WEBSOCKET, 'wireOut', size);
    this.owner._count(WEBSOCKET, 'frames', 1);
    try {
      this.ws.send(f);
    } catch (e) {
      this._broken('send failed: ' + e.message);
    }
  }

  /** Failed before it carried the session. */
  _fail(reason) {
    if (this.state === 'dead') return;
    const was = this.state;
    this.stop();
    if (was === 'attaching') this.owner._transportLost(this, reason);
    else this.owner._wsFailed(this, reason);
  }

  /** Broke while attaching or attached. */
  _broken(reason) {
    if (this.state === 'dead') return;
    const attachedOrAttaching = this.state === 'attached' || this.state === 'attaching';
    this.stop();
    if (attachedOrAttaching) this.owner._transportLost(this, 'websocket_broken: ' + reason);
    else this.owner._wsFailed(this, 'websocket_broken: ' + reason);
  }

  stop(code) {
    this.state = 'dead';
    clearTimeout(this.timer);
    if (this.ws && this.ws.readyState < 2) {
      try { this.ws.close(code || 1000); } catch (e) { /* closing anyway */ }
    }
  }
}

/** HTTP long-polling (PROTOCOL.md section 4): attach, then one held recv after another, sends one at a time. */
class PollLink {
  constructor(owner) {
    this.kind = POLLING;
    this.owner = owner;
    this.state = 'attaching';
    this.sending = false;
    this.pollFailures = 0;
    this.controllers = new Set();
  }

  async start(frame) {
    const o = this.owner;
    let delay = 250;
    for (;;) {
      if (this.state === 'dead') return;
      let r;
      try {
        r = await this._post('attach', JSON.stringify(frame), 15000);
      } catch (e) {
        r = null;
      }
      if (this.state === 'dead') return;
      if (r && r.status === 200) {
        o._onFrames(this, r.frames);
        if (this.state === 'attached') this._recvLoop();
        else this.stop(); // not taken (the client closed or moved on meanwhile)
        return;
      }
      if (r && !isProxyTrouble(r)) {
        this.stop();
        o._serverError(this, r.error, r.message);
        return;
      }
      o._log('polling attach failed (' + (r ? 'HTTP ' + r.status : 'network error') + '), retrying in ' + delay + ' ms');
      await sleep(delay);
      delay = Math.min(delay * 2, 5000);
    }
  }

  attached() {
    this.state = 'attached';
  }

  async _recvLoop() {
    const o = this.owner;
    while (this.state !== 'dead') {
      let r;
      try {
        r = await this._post('recv', '[{"t":"ack","a":' + o._lastIn + '}]', (o._pollMillis || 20000) + o.options.pollSlack);
      } catch (e) {
        r = null;
      }
      if (this.state === 'dead') {
        if (r && r.status === 200 && r.frames.length) o._onFrames(this, r.frames); // data is idempotent
        return;
      }
      if (r === null || isProxyTrouble(r)) {
        // A proxy's idle cut (502/504) or a network error: poll again, with a little backoff.
        this.pollFailures++;
        if (this.pollFailures > 8) {
          this.stop();
          o._transportLost(this, 'polling_failed: ' + (r ? 'HTTP ' + r.status : 'network errors') + ' on ' + this.pollFailures + ' polls in a row');
          return;
        }
        await sleep(Math.min(100 * (1 << this.pollFailures), 4000));
        continue;
      }
      this.pollFailures = 0;
      if (r.status === 200) {
        if (r.frames.length) o._onFrames(this, r.frames);
        continue;
      }
      if (r.error === 'poll_conflict') return; // a newer recv of ours holds the line
      this.stop();
      if (r.error === 'transport_replaced') o._transportLost(this, 'polling replaced');
      else o._serverError(this, r.error, r.message);
      return;
    }
  }

  canSend() {
    return this.state === 'attached' && !this.sending;
  }

  /** frames: JSON strings; one request carries them all as a batch. */
  async send(frames) {
    const o = this.owner;
    this.sending = true;
    let r;
    try {
      r = await this._post('send', '[' + frames.join(',') + ']', 30000);
    } catch (e) {
      r = null;
    }
    this.sending = false;
    if (this.state === 'dead' && !(r && r.status === 200)) return;
    if (r && r.status === 200) {
      o._onFrames(this, r.frames);
      o._flush();
    } else if (r === null || isProxyTrouble(r) || r.error === 'transport_replaced') {
      o._sendFailed(this);
    } else {
      this.stop();
      o._serverError(this, r.error, r.message);
    }
  }

  /** One POST; resolves {status, frames} for 200, {status, error, message} otherwise; rejects on network errors. */
  async _post(endpoint, body, timeout) {
    const o = this.owner;
    const controller = new AbortController();
    this.controllers.add(controller);
    const timer = setTimeout(() => controller.abort(), timeout);
    const headers = { 'Content-Type': 'application/json' };
    if (o._sid) headers['X-Bridge-Session'] = o._sid;
    o._count(POLLING, 'requests', 1);
    o._count(POLLING, 'wireOut', utf8Length(body));
    try {
      const res = await fetch(o._pollUrl + endpoint, {
        method: 'POST', headers, body, cache: 'no-store', credentials: 'same-origin', signal: controller.signal,
      });
      const text = await res.text();
      o._count(POLLING, 'wireIn', utf8Length(text));
      if (res.status === 200) {
        const batch = JSON.parse(text);
        if (!Array.isArray(batch)) throw new Error('a batch must be an array');
        for (const f of batch) {
          if (Array.isArray(f) ? f.length < 2 || !Number.isInteger(f[0]) || f[0] < 1 : f === null || typeof f !== 'object' || typeof f.t !== 'string') {
            throw new Error('malformed frame in a batch');
          }
        }
        return { status: 200, frames: batch };
      }
      let error = null, message = 'HTTP ' + res.status;
      try {
        const j = JSON.parse(text);
        error = typeof j.error === 'string' ? j.error : null;
        if (typeof j.message === 'string') message = j.message;
      } catch (e) { /* a proxy's page, not our JSON */ }
      return { status: res.status, error, message };
    } finally {
      clearTimeout(timer);
      this.controllers.delete(controller);
    }
  }

  stop() {
    this.state = 'dead';
    // A held recv is answered by the server when the session moves; aborting it is only for
    // a dead or closed transport, where nobody answers.
  }

  abort() {
    this.stop();
    for (const c of this.controllers) c.abort();
  }
}

function isProxyTrouble(r) {
  return r.status === 502 || r.status === 504 || (r.status === 503 && r.error !== 'server_full')
    || (r.status >= 500 && r.error === null);
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ==================================================================== the socket

const BaseEventTarget = globalThis.EventTarget;

export class BridgeSocket extends BaseEventTarget {
  /**
   * @param url the bridge's base URL (http(s), with its prefix, e.g. "/bridge" or
   *            "https://example.com/bridge"); default: where this module was loaded from
   * @param options see DEFAULTS
   */
  constructor(url, options) {
    super();
    // Default: the bridge that served this module ({prefix}/client.js). Relative URLs resolve
    // against the page.
    const base = url === undefined || url === null
      ? new URL('./', import.meta.url)
      : new URL(String(url).replace(/\/?$/, '/'), globalThis.location ? location.href : import.meta.url);
    this.options = Object.assign({}, DEFAULTS, options || {});
    this.url = base.href.replace(/\/$/, '');
    this._origin = base.origin;
    this._nonce = randomNonce();
    const wsBase = new URL('ws', base);
    wsBase.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
    wsBase.searchParams.set('n', this._nonce);
    this._wsUrl = wsBase.href;
    this._pollUrl = new URL('poll/', base).href;
    this._storageKey = 'cometbridge:transport:' + this.url;

    this.readyState = CONNECTING;
    this.transport = null;
    this.fallbackReason = null;
    this.fallbackSource = null; // 'client', 'server' or 'memory'
    this.binaryType = 'arraybuffer';
    this.protocol = '';
    this.extensions = '';
    this.onopen = this.onmessage = this.onclose = this.onerror = null;
    this.ontransportchange = this.onfallback = this.onsessionlost = null;
    this.stats = Object.assign(newCounters(), { duplicates: 0, transportChanges: 0, byTransport: { websocket: newCounters(), polling: newCounters() } });
    this.log = [];

    this._sid = null;
    this._lastIn = 0;          // highest server seq delivered to the application
    this._lastAckSent = 0;
    this._out = [];            // unacknowledged messages, oldest first: {seq, text|bytes, size}
    this._outBytes = 0;
    this._nextSeq = 1;
    this._sentUpTo = 0;        // highest seq written on the current transport
    this._controls = [];       // JSON strings waiting for the wire (ack, pong)
    this._cur = null;          // the transport carrying the session
    this._pend = null;         // a transport attaching (to a new session or as a switch)
    this._ws = null;           // the WebSocket attempt not yet attached (connect or probe)
    this._hb = 15000;
    this._pollMillis = 20000;
    this._lastHeard = now();
    this._failures = 0;
    this._probeFailures = 0;
    this._timers = {};

    for (const t of this.options.transports) {
      if (t !== WEBSOCKET && t !== POLLING) throw new TypeError('unknown transport ' + t);
    }
    if (!this.options.transports.length) throw new TypeError('no transports');
    this._watchdog = setInterval(() => this._checkHeartbeat(), 1000);
    // After the caller had a chance to add listeners (events of the first steps are not lost).
    Promise.resolve().then(() => this._establish());
  }

  get bufferedAmount() {
    return this._outBytes;
  }

  // ------------------------------------------------------------------ public API

  /** Queues a message (string, ArrayBuffer or typed array); delivered exactly once, in order. */
  send(data) {
    if (this.readyState === CLOSING || this.readyState === CLOSED) {
      throw domError('the session is closed', 'InvalidStateError');
    }
    let entry;
    if (typeof data === 'string') {
      entry = { text: data, size: data.length };
    } else if (data instanceof ArrayBuffer) {
      entry = { bytes: new Uint8Array(data.slice(0)), size: data.byteLength };
    } else if (ArrayBuffer.isView(data)) {
      entry = { bytes: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)), size: data.byteLength };
    } else {
      throw new TypeError('send takes a string, an ArrayBuffer or a typed array');
    }
    if (this._out.length >= this.options.maxQueuedMessages || this._outBytes + entry.size > this.options.maxQueuedBytes) {
      throw domError('send queue full (' + this._out.length + ' messages unacknowledged)', 'QuotaExceededError');
    }
    entry.seq = this._nextSeq++;
    this._out.push(entry);
    this._outBytes += entry.size;
    this.stats.messagesOut++;
    this.stats.bytesOut += entry.size;
    this._flush();
  }

  /** Ends the session (the server's application hears code 1000). */
  close(code, reason) {
    if (this.readyState === CLOSING || this.readyState === CLOSED) return;
    code = code === undefined ? 1000 : code;
    reason = reason === undefined ? 'closed by the client' : String(reason);
    const t = this._cur;
    if (!t) {
      this._finish(code, reason, true);
      return;
    }
    this.readyState = CLOSING;
    this._flush();
    const frame = JSON.stringify({ t: 'close', code, reason });
    if (t.kind === WEBSOCKET) {
      t.send([frame]); // after every data frame on the same socket
      this._finish(code, reason, true);
      return;
    }
    // Polling: messages already sent go first (one send request at a time), for up to 2 s.
    const deadline = now() + 2000;
    const done = () => this._finish(code, reason, true);
    const sendClose = () => {
      if (this.readyState === CLOSED) return;
      if ((this._out.length || t.sending) && now() < deadline && this._cur === t) {
        setTimeout(sendClose, 25);
        return;
      }
      t._post('send', '[' + frame + ']', 2000).catch(() => null).then(done);
    };
    sendClose();
  }

  // ------------------------------------------------------------------ connecting

  _log(what) {
    const line = Math.round(now()) + ' ' + what;
    this.log.push(line);
    if (this.log.length > LOG_SIZE) this.log.shift();
    if (this.options.debug) console.log('[cometbridge] ' + what);
  }

  _storage() {
    if (this.options.storage !== undefined) return this.options.storage;
    try {
      return globalThis.localStorage || null;
    } catch (e) {
      return null; // storage disabled
    }
  }

  _recall() {
    const s = this._storage();
    if (!s || !this.options.rememberFor) return null;
    try {
      const m = JSON.parse(s.getItem(this._storageKey));
      if (!m || typeof m.until !== 'number') return null;
      if (m.until < Date.now()) {
        s.removeItem(this._storageKey);
        return null;
      }
      return m;
    } catch (e) {
      return null;
    }
  }

  _remember(transport, reason) {
    const s = this._storage();
    if (!s || !this.options.rememberFor) return;
    try {
      s.setItem(this._storageKey, JSON.stringify({ transport, reason: reason || null, at: Date.now(), until: Date.now() + this.options.rememberFor }));
    } catch (e) { /* full or disabled */ }
  }

  /** The transport order for this (re)connect: the configured one, unless polling is remembered. */
  _order() {
    const order = this.options.transports.slice();
    if (order[0] === WEBSOCKET && order.includes(POLLING)) {
      const m = this._recall();
      if (m && m.transport === POLLING) {
        const ago = Math.round((Date.now() - m.at) / 60000);
        this._setFallback('remembered: WebSocket failed for this bridge ' + ago + ' min ago (' + (m.reason || 'no reason known') + ')', 'memory');
        return [POLLING, WEBSOCKET];
      }
    } else if (order[0] === POLLING && !this.fallbackReason) {
      this._setFallback('configured: polling comes first in the transports option', 'client');
    }
    return order;
  }

  /** (Re)connects the session: WebSocket first with polling after parallelDelay, or polling first. */
  _establish() {
    if (this.readyState === CLOSED) return;
    const order = this._order();
    this._log('establish: ' + order.join(' > ') + (this._sid ? ' (resume)' : ' (new session)'));
    if (order[0] === WEBSOCKET) {
      this._startWs('connect');
      if (order.includes(POLLING)) {
        this._timer('parallel', this.options.parallelDelay, () => {
          if (!this._cur && !this._pend && this._ws) {
            this._log('no trusted WebSocket after ' + this.options.parallelDelay + ' ms: polling in parallel');
            this._startPolling();
          }
        });
      }
    } else {
      this._startPolling();
    }
  }

  _startWs(purpose) {
    if (this._ws) return;
    const link = new WsLink(this, purpose);
    this._ws = link;
    this._log('websocket ' + purpose + ' attempt');
    link.start();
  }

  _startPolling() {
    if (this._pend && this._pend.kind === POLLING) return;
    this._clearTimer('parallel');
    const link = new PollLink(this);
    this._pend = link;
    const frame = { t: 'attach', last: this._lastIn };
    if (this._sid) frame.sid = this._sid;
    if (this.options.transports.includes(WEBSOCKET)) frame.ws = this._nonce;
    this._log('polling attach');
    link.start(frame);
  }

  _attachOver(link) {
    this._ws = null;
    this._pend = link;
    const frame = { t: 'attach', last: this._lastIn };
    if (this._sid) frame.sid = this._sid;
    this._log('websocket trusted after ' + Math.round(link.rtt) + ' ms: attaching' + (this._sid ? ' (switch)' : ''));
    link.attach(frame);
  }

  /** A WebSocket completed its probe round trip. */
  _wsTrusted(link) {
    if (link !== this._ws || this.readyState === CLOSED) {
      link.stop();
      return;
    }
    if (this._pend) {
      // A polling attach is in flight: upgrade once it has opened (see _onOpen).
      this._log('websocket trusted; waiting for the polling attach to finish');
      return;
    }
    this._clearTimer('parallel');
    this._attachOver(link);
  }

  /** A WebSocket attempt failed before it carried the session. */
  _wsFailed(link, reason) {
    if (link !== this._ws) return;
    this._ws = null;
    this._log('websocket ' + link.purpose + ' failed: ' + reason);
    if (this.readyState === CLOSED) return;
    const polling = this.options.transports.includes(POLLING);
    if (polling && this.fallbackSource !== 'server') {
      this._setFallback(reason, 'client');
      if (this.transport === POLLING) this._remember(POLLING, reason);
    }
    if (this._cur || this._pend) {
      this._probeFailures++;
      this._scheduleProbe();
    } else if (polling) {
      this._startPolling();
    } else {
      this._reconnectLater();
    }
  }

  _scheduleProbe() {
    if (!this.options.transports.includes(WEBSOCKET) || this._ws || this._timers.probe || this.readyState === CLOSED) return;
    const o = this.options;
    const base = Math.min(o.probeMaxDelay, o.probeDelay * Math.pow(2, Math.max(0, this._probeFailures - 1)));
    const delay = Math.round(base * (0.75 + Math.random() * 0.5));
    this._log('next websocket probe in ' + delay + ' ms');
    this._timer('probe', delay, () => {
      if (this._cur && this._cur.kind === POLLING && !this._pend && !this._ws) this._startWs('probe');
    });
  }

  // ------------------------------------------------------------------ inbound

  _onFrames(link, frames) {
    if (this.readyState === CLOSED) return;
    const live = link === this._cur || link === this._pend;
    if (!live) {
      // A replaced transport may still bring data that was in flight: data is idempotent.
      for (const f of frames) if (Array.isArray(f)) this._onData(f, link);
      return;
    }
    if (link === this._cur) this._lastHeard = now();
    for (const f of frames) {
      if (this.readyState === CLOSED) return;
      if (Array.isArray(f)) {
        this._onData(f, link);
        continue;
      }
      switch (f.t) {
        case 'open': this._onOpen(link, f); break;
        case 'ack': this._acknowledge(f.a); break;
        case 'ping': this._controls.push('{"t":"pong","ts":' + JSON.stringify(f.ts) + '}'); break;
        case 'close': this._finish(typeof f.code === 'number' ? f.code : 1000, String(f.reason || ''), true); return;
        case 'error': this._serverError(link, f.error, f.message); return;
        case 'notice':
          if (f.kind === 'ws_fallback' && typeof f.reason === 'string' && this.transport !== WEBSOCKET) {
            this._setFallback(f.reason, 'server');
            if (this.transport === POLLING) this._remember(POLLING, f.reason);
          }
          break;
        default: break; // pong, probe: nothing to do
      }
    }
    this._afterInbound();
  }

  _onData(f, link) {
    const seq = f[0];
    if (f.length > 2 && Number.isInteger(f[2])) this._acknowledge(f[2]);
    if (seq <= this._lastIn) {
      this.stats.duplicates++;
      return;
    }
    if (seq !== this._lastIn + 1) {
      // Cannot happen with a correct server; re-attaching makes it resend from _lastIn.
      this._log('gap in server sequence: expected ' + (this._lastIn + 1) + ', got ' + seq);
      if (link === this._cur && link.kind === WEBSOCKET) {
        link.stop();
        this._transportLost(link, 'websocket_gap');
      }
      return;
    }
    const p = f[1];
    let data, size;
    if (typeof p === 'string') {
      data = p;
      size = p.length;
    } else if (p instanceof ArrayBuffer) {
      data = p;
      size = p.byteLength;
    } else if (p && typeof p.b64 === 'string') {
      data = fromBase64(p.b64);
      size = data.byteLength;
    } else {
      this._log('malformed payload in message ' + seq + ': dropped');
      return;
    }
    this._lastIn = seq;
    this.stats.messagesIn++;
    this.stats.bytesIn += size;
    this._count(link.kind, 'messagesIn', 1);
    this._count(link.kind, 'bytesIn', size);
    if (typeof data !== 'string' && this.binaryType === 'blob' && globalThis.Blob) data = new Blob([data]);
    this._emit('message', { data, origin: this._origin });
  }

  _onOpen(link, open) {
    if (link !== this._pend) return;
    const old = this._cur;
    const newSession = this._sid === null || !open.resumed;
    this._cur = link;
    this._pend = null;
    link.attached();
    if (old && old !== link) old.stop();
    this._sid = open.sid;
    if (Number.isInteger(open.hb) && open.hb > 0) this._hb = open.hb;
    if (Number.isInteger(open.poll) && open.poll > 0) this._pollMillis = open.poll;
    this._lastHeard = now();
    this._failures = 0;
    this._clearTimer('parallel');
    // Everything the server acknowledged is done; everything after it is sent again.
    this._acknowledge(open.ack);
    this._sentUpTo = Math.min(open.ack, this._nextSeq - 1);
    this._lastAckSent = this._lastIn;
    this._controls = [];
    const previous = this.transport;
    this.transport = link.kind;
    this._log('open on ' + link.kind + (newSession ? ' (new session)' : ' (resumed)') + ', server has up to ' + open.ack);
    if (link.kind === WEBSOCKET) {
      this._clearTimer('probe');
      this._probeFailures = 0;
      this._setFallback(null, null);
      this._remember(WEBSOCKET, null);
    } else {
      if (this._ws && this._ws.state === 'connecting' || this._ws && this._ws.state === 'probing') {
        if (!this.fallbackReason) this._setFallback('websocket_pending: no WebSocket answer within ' + this.options.parallelDelay
          + ' ms; the session started on polling while WebSocket is still tried', 'client');
      }
      if (this.fallbackSource === 'client' || this.fallbackSource === 'server') this._remember(POLLING, this.fallbackReason);
    }
    if (this.readyState === CONNECTING) {
      this.readyState = OPEN;
      this._emit('open', {});
    } else if (newSession) {
      this._emit('open', {});
    }
    if (previous !== this.transport) {
      this.stats.transportChanges++;
      this._emit('transportchange', { transport: this.transport, previous });
    }
    if (link.kind === POLLING) {
      if (this._ws && this._ws.state === 'trusted') this._attachOver(this._ws);
      else if (!this._ws) this._scheduleProbe();
    }
    this._flush();
  }

  _acknowledge(a) {
    if (!Number.isInteger(a) || a >= this._nextSeq) return;
    while (this._out.length && this._out[0].seq <= a) {
      this._outBytes -= this._out.shift().size;
    }
    if (this._sentUpTo < a) this._sentUpTo = a;
  }

  _afterInbound() {
    const t = this._cur;
    if (t && t.kind === WEBSOCKET && this._lastIn > this._lastAckSent) {
      if (this._lastIn - this._lastAckSent >= ACK_EVERY) {
        this._queueAck();
      } else if (!this._timers.ack) {
        this._timer('ack', ACK_DELAY, () => {
          if (this._lastIn > this._lastAckSent && this._cur && this._cur.kind === WEBSOCKET) {
            this._queueAck();
            this._flush();
          }
        });
      }
    }
    this._flush();
  }

  _queueAck() {
    this._controls.push('{"t":"ack","a":' + this._lastIn + '}');
    this._lastAckSent = this._lastIn;
  }

  // ------------------------------------------------------------------ outbound

  _flush() {
    const t = this._cur;
    if (!t || (this.readyState !== OPEN && this.readyState !== CLOSING) || !t.canSend()) return;
    const first = this._out.length ? this._out[0].seq : this._nextSeq;
    let i = Math.max(0, this._sentUpTo + 1 - first);
    if (!this._controls.length && i >= this._out.length) return;
    if (t.kind === WEBSOCKET) {
      const frames = this._controls;
      this._controls = [];
      for (; i < this._out.length; i++) {
        const e = this._out[i];
        if (e.bytes) {
          frames.push(encodeBinaryFrame(e.seq, e.bytes));
        } else {
          let ack;
          if (this._lastIn > this._lastAckSent) {
            ack = this._lastIn;
            this._lastAckSent = ack;
          }
          frames.push(encodeData(e.seq, e, ack));
        }
        this._count(WEBSOCKET, 'messagesOut', 1);
        this._count(WEBSOCKET, 'bytesOut', e.size);
        this._sentUpTo = e.seq;
      }
      t.send(frames);
    } else {
      const frames = this._controls;
      this._controls = [];
      let budget = MAX_BATCH_BYTES;
      for (; i < this._out.length && (budget > 0 || frames.length === 0) && frames.length < MAX_BATCH_FRAMES; i++) {
        const e = this._out[i];
        const f = encodeData(e.seq, e);
        budget -= f.length;
        frames.push(f);
        this._count(POLLING, 'messagesOut', 1);
        this._count(POLLING, 'bytesOut', e.size);
        this._sentUpTo = e.seq;
      }
      if (this._lastIn > this._lastAckSent) {
        frames.push('{"t":"ack","a":' + this._lastIn + '}');
        this._lastAckSent = this._lastIn;
      }
      t.send(frames);
    }
  }

  /** A polling send did not arrive (or arrived at a replaced transport): send it again later. */
  _sendFailed(link) {
    if (link !== this._cur) return;
    this._sentUpTo = this._out.length ? this._out[0].seq - 1 : this._nextSeq - 1;
    this._timer('resend', 250, () => this._flush());
  }

  // ------------------------------------------------------------------ failures

  /** The transport carrying (or attaching) the session is gone. */
  _transportLost(link, reason) {
    if (this.readyState === CLOSED) return;
    if (link === this._pend) {
      this._pend = null;
      link.stop();
      this._log(link.kind + ' attach failed: ' + reason);
      if (this._cur) {
        if (link.kind === WEBSOCKET) {
          this._probeFailures++;
          if (this.fallbackSource !== 'server') this._setFallback(reason, 'client');
          this._scheduleProbe();
        }
        return;
      }
      this._reconnectLater();
    } else if (link === this._cur) {
      this._cur = null;
      link.stop();
      this._log(link.kind + ' lost: ' + reason);
      const previous = this.transport;
      this.transport = null;
      this._emit('transportchange', { transport: null, previous });
      if (link.kind === WEBSOCKET && reason !== 'websocket_gap') this._setFallback(reason, 'client');
      if (this._pend) return; // a switch is in flight: it takes over
      this._reconnectLater();
    }
  }

  _reconnectLater() {
    this._failures++;
    const delay = this._failures <= 1 ? 0 : Math.min(5000, 100 * Math.pow(2, this._failures));
    this._timer('reconnect', delay, () => {
      if (!this._cur && !this._pend && this.readyState !== CLOSED) {
        if (this._ws) this._ws.stop();
        this._ws = null;
        this._establish();
      }
    });
  }

  _serverError(link, error, message) {
    if (this.readyState === CLOSED || (link !== this._cur && link !== this._pend)) return;
    this._log('server error on ' + link.kind + ': ' + error + ' (' + message + ')');
    if (error === 'unknown_session') {
      this._sessionLost(message || 'unknown session');
    } else if (error === 'origin_not_allowed') {
      this._emit('error', { message });
      this._finish(4403, message || 'origin not allowed', false);
    } else {
      this._transportLost(link, (error || 'error') + ': ' + message);
    }
  }

  /** The server forgot the session: unacknowledged sends are lost; a new session starts. */
  _sessionLost(reason) {
    for (const l of [this._cur, this._pend, this._ws]) if (l) l.stop();
    this._cur = this._pend = this._ws = null;
    const lost = this._out.length;
    this._out = [];
    this._outBytes = 0;
    this._nextSeq = 1;
    this._sentUpTo = 0;
    this._lastIn = 0;
    this._lastAckSent = 0;
    this._controls = [];
    this._sid = null;
    this.transport = null;
    for (const k of Object.keys(this._timers)) this._clearTimer(k);
    this._emit('sessionlost', { reason, lost });
    this._establish();
  }

  _checkHeartbeat() {
    const t = this._cur;
    if (!t || t.kind !== WEBSOCKET || this.readyState !== OPEN) return;
    const silent = now() - this._lastHeard;
    if (silent > 2 * this._hb + 1000) {
      t.stop(4008);
      this._transportLost(t, 'websocket_dead: no frame from the server for ' + Math.round(silent) + ' ms');
    }
  }

  _finish(code, reason, wasClean) {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    for (const l of [this._cur, this._pend, this._ws]) if (l) (l.abort ? l.abort() : l.stop());
    this._cur = this._pend = this._ws = null;
    for (const k of Object.keys(this._timers)) this._clearTimer(k);
    clearInterval(this._watchdog);
    this.transport = null;
    this._log('closed: ' + code + ' ' + reason);
    this._emit('close', { code, reason, wasClean });
  }

  // ------------------------------------------------------------------ helpers

  _setFallback(reason, source) {
    if (this.fallbackReason === reason) return;
    this.fallbackReason = reason;
    this.fallbackSource = reason === null ? null : source;
    if (reason !== null) this._log('fallback reason (' + source + '): ' + reason);
    this._emit('fallback', { reason, source });
  }

  /** Per-transport counters; wire bytes, requests and frames also add up in the totals. */
  _count(kind, field, n) {
    this.stats.byTransport[kind][field] += n;
    if (field === 'wireIn' || field === 'wireOut' || field === 'requests' || field === 'frames') this.stats[field] += n;
  }

  _timer(name, ms, fn) {
    this._clearTimer(name);
    this._timers[name] = setTimeout(() => {
      delete this._timers[name];
      fn();
    }, ms);
  }

  _clearTimer(name) {
    if (this._timers[name] !== undefined) {
      clearTimeout(this._timers[name]);
      delete this._timers[name];
    }
  }

  _emit(type, props) {
    let ev;
    if (type === 'message' && typeof MessageEvent === 'function') {
      ev = new MessageEvent('message', props);
    } else if (type === 'close' && typeof CloseEvent === 'function') {
      ev = new CloseEvent('close', props);
    } else {
      ev = new Event(type);
      for (const k of Object.keys(props)) Object.defineProperty(ev, k, { value: props[k], enumerable: true });
    }
    this.dispatchEvent(ev);
    const handler = this['on' + type];
    if (typeof handler === 'function') {
      try {
        handler.call(this, ev);
      } catch (e) {
        if (typeof reportError === 'function') reportError(e);
        else setTimeout(() => { throw e; }, 0);
      }
    }
  }
}

function domError(message, name) {
  return typeof DOMException === 'function' ? new DOMException(message, name) : Object.assign(new Error(message), { name });
}

BridgeSocket.CONNECTING = CONNECTING;
BridgeSocket.OPEN = OPEN;
BridgeSocket.CLOSING = CLOSING;
BridgeSocket.CLOSED = CLOSED;
BridgeSocket.prototype.CONNECTING = CONNECTING;
BridgeSocket.prototype.OPEN = OPEN;
BridgeSocket.prototype.CLOSING = CLOSING;
BridgeSocket.prototype.CLOSED = CLOSED;

export default BridgeSocket;
