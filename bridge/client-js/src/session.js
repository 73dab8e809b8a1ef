// @ts-check
// The client's end of one session, behind BridgeSocket: it owns the channel (delivery rules),
// feeds it what the links bring, writes what it has to the link carrying the session, and keeps
// the session's lifecycle (open, heartbeat, close, a session the server forgot). Which link
// carries the session is connector.js's; why it is not WebSocket is fallback.js's.
//
// A link that brings a sequence gap or an ack of something never sent is dropped and the session
// re-attaches: the resend that follows the attach fills the gap (as the Java client does).

import { Channel } from './channel.js';
import { DEFAULT_ACK_DELAY_MS, DEFAULT_ACK_EVERY, Framing } from './channel-policy.js';
import { BridgeError, CloseCode, ErrorCode } from './codes.js';
import { exactBuffer } from './message.js';
import { CLIENT_SLACK_MS, Heartbeat } from './heartbeat.js';
import { POLLING, WEBSOCKET, now } from './link.js';
import { Connector } from './connector.js';
import { Fallback } from './fallback.js';
import { TransportMemory } from './memory.js';
import { CLOSED, CLOSING, CONNECTING, OPEN } from './ready-state.js';
import { DiagnosticLog, count, newStats } from './stats.js';
import { Timers } from './timers.js';
import { BridgeCloseEvent, BridgeMessageEvent, FallbackEvent, SessionLostEvent, TransportChangeEvent } from './events.js';

/** @import { Frame, OpenFrame } from './codec.js' */
/** @import { Message } from './message.js' */
/** @import { Link, LinkOwner, TransportName } from './link.js' */
/** @import { ResolvedOptions, BridgeUrls } from './options.js' */
/** @import { BridgeReadyState } from './ready-state.js' */
/** @typedef {{ emit: (ev: Event) => void, binaryType: () => 'arraybuffer' | 'blob' }} SessionHost */

/** A polling send's bounds; the server refuses more than 1000 frames per request (maxBatchFrames). */
const MAX_BATCH_BYTES = 256 * 1024, MAX_BATCH_FRAMES = 500;
/** What one drain puts on a WebSocket before the browser's buffer is looked at again. */
const MAX_STREAM_BYTES = 1 << 20, MAX_STREAM_FRAMES = 1000;
/** How long close() over polling waits for the messages already sent to be acknowledged. */
const CLOSE_DRAIN_MS = 2000;

export class Session {
  /** @type {BridgeReadyState} */ readyState = CONNECTING;
  /** @type {TransportName | null} */ transport = null;
  stats = newStats();
  /** @type {Channel<null>} */ channel;
  /** @type {string | null} */ sid = null;
  /** @type {Link | null} the link carrying the session */ cur = null;
  /** @type {Heartbeat | null} */ heartbeat = null;
  timers = new Timers();
  /** The server's poll hold time (ms). */ pollMillis = 20000;
  /** @private @type {TransportName | null} whose frames the channel is taking */ receivingOn = null;

  /**
   * @param {ResolvedOptions} options
   * @param {BridgeUrls} urls
   * @param {string} nonce
   * @param {SessionHost} host
   */
  constructor(options, urls, nonce, host) {
    this.options = options;
    this.urls = urls;
    this.nonce = nonce;
    this.host = host;
    this.log = new DiagnosticLog(200, options.debug);
    this.fallback = new Fallback(new TransportMemory(options.storage, 'cometbridge:transport:' + urls.url, options.rememberFor),
      (reason, source) => {
        if (reason !== null) this.say('fallback reason (' + source + '): ' + reason);
        host.emit(new FallbackEvent(reason, source));
      });
    this.channel = this.newChannel();
    this.connector = new Connector(this);
    /** @type {LinkOwner} what the links report to */
    this.links = {
      frames: (link, frames) => this.onFrames(link, frames),
      trusted: (link) => this.connector.onTrusted(link),
      failed: (link, reason) => this.connector.onWsFailed(link, reason),
      lost: (link, reason) => this.connector.onLost(link, reason),
      error: (link, error, message) => this.connector.onServerError(link, error, message),
      writable: () => this.pump(),
      count: (kind, counter, n) => count(this.stats, kind, counter, n),
      log: (line) => this.say(line),
      pollAck: () => this.channel.takeAck(),
      sessionId: () => this.sid,
    };
    /** @private */ this.watchdog = setInterval(() => this.checkHeartbeat(), 1000);
    // Outside a browser (node: tests, server-side rendering) the watchdog alone keeps no process alive.
    /** @type {{ unref?: () => void }} */ (/** @type {unknown} */ (this.watchdog)).unref?.();
  }

  /** @private */
  newChannel() {
    return new Channel({
      ackDelayMs: DEFAULT_ACK_DELAY_MS, ackEvery: DEFAULT_ACK_EVERY, maxInboundBytes: Number.MAX_SAFE_INTEGER,
      maxQueuedMessages: this.options.maxQueuedMessages, maxQueuedBytes: this.options.maxQueuedBytes,
    }, {
      deliver: (message) => this.deliver(message),
      acknowledged: () => { /* send() hands out no completion tokens */ },
      duplicate: () => { this.stats.duplicates++; },
    });
  }

  /** A method, so that checks after a callback are not narrowed away. */
  isClosed() {
    return this.readyState === CLOSED;
  }

  /** @param {string} what */
  say(what) {
    this.log.add(now(), what);
  }

  // ------------------------------------------------------------------ the application's side

  /**
   * Queues a message; false when the replay buffer is full.
   * @param {Message} message
   */
  send(message) {
    if (!this.channel.offer(message, null)) return false;
    this.stats.messagesOut++;
    this.stats.bytesOut += message.size();
    this.pump();
    return true;
  }

  /**
   * @param {number} code
   * @param {string} reason
   */
  close(code, reason) {
    const link = this.cur;
    if (!link) {
      this.finish(code, reason, true);
      return;
    }
    this.readyState = CLOSING;
    /** @type {Frame} */
    const frame = { t: 'close', code, reason };
    if (link.kind === WEBSOCKET) {
      // Every message not yet written goes first, on the same socket, then the close frame.
      link.write(this.channel.drain(Framing.STREAM, Infinity, Infinity));
      this.channel.close(frame);
      link.write(this.channel.drain(Framing.STREAM, Infinity, Infinity));
      this.finish(code, reason, true);
      return;
    }
    // Polling: messages already sent go first (one send request at a time), for up to 2 s.
    this.pump();
    const deadline = now() + CLOSE_DRAIN_MS;
    const sendClose = () => {
      if (this.readyState === CLOSED) return;
      if ((this.channel.unacknowledged() > 0 || link.sending) && now() < deadline && this.cur === link) {
        this.timers.set('close', 25, sendClose);
        return;
      }
      this.channel.close(frame);
      link.sendOnce(this.channel.drain(Framing.BATCH, MAX_BATCH_BYTES, MAX_BATCH_FRAMES), CLOSE_DRAIN_MS)
        .finally(() => this.finish(code, reason, true));
    };
    sendClose();
  }

  // ------------------------------------------------------------------ frames in

  /**
   * Frames from a link, in order.
   * @private
   * @param {Link} link
   * @param {Frame[]} frames
   */
  onFrames(link, frames) {
    if (this.readyState === CLOSED) return;
    if (link !== this.cur && link !== this.connector.pend) {
      // A replaced link may still bring data that was in flight: data is idempotent.
      try {
        for (const f of frames) if (f.t === 'data') this.receive(link, f);
      } catch (e) { /* a gap on a stale link: the live one resends */ }
      this.pump();
      return;
    }
    if (link === this.cur) this.heartbeat?.heard(now());
    for (const f of frames) {
      if (this.isClosed()) return; // an event handler may have closed it
      try {
        if (this.receive(link, f)) continue;
      } catch (e) {
        if (!(e instanceof BridgeError)) throw e;
        // A sequence gap, or an ack of something never sent: drop this link and re-attach; the
        // resend that follows the attach fills the gap.
        this.connector.onLost(link, e.message, false);
        return;
      }
      if (f.t === 'open') this.onOpen(link, f);
      else if (f.t === 'close') return this.finish(f.code, f.reason, true);
      else if (f.t === 'error') return this.connector.onServerError(link, f.error, f.message);
      else if (f.t === 'notice' && f.kind === 'ws_fallback' && this.transport !== WEBSOCKET) this.fallback.heard(f.reason, 'server', this.transport);
    }
    this.pump();
  }

  /**
   * @private
   * @param {Link} link
   * @param {Frame} frame
   */
  receive(link, frame) {
    this.receivingOn = link.kind;
    return this.channel.receive(frame, now());
  }

  /**
   * A message the channel delivers, exactly once and in order.
   * @private
   * @param {Message} message
   */
  deliver(message) {
    const size = message.size();
    this.stats.messagesIn++;
    this.stats.bytesIn += size;
    if (this.receivingOn) {
      count(this.stats, this.receivingOn, 'messagesIn', 1);
      count(this.stats, this.receivingOn, 'bytesIn', size);
    }
    /** @type {string | ArrayBuffer | Blob} */
    let data = message.bytes !== null ? exactBuffer(message.bytes) : /** @type {string} */ (message.text);
    if (typeof data !== 'string' && this.host.binaryType() === 'blob' && globalThis.Blob) data = new Blob([data]);
    this.host.emit(new BridgeMessageEvent(data, this.urls.origin));
  }

  /**
   * The server took an attach: the link carries the session from now on.
   * @private
   * @param {Link} link
   * @param {OpenFrame} open
   */
  onOpen(link, open) {
    if (link !== this.connector.pend) return;
    if (this.sid !== null && !open.resumed) this.resetChannel('the server started a new session');
    const newSession = this.sid === null || !open.resumed;
    try {
      this.channel.resume(open.ack);
    } catch (e) {
      // The server acknowledged more than was sent: no resend repairs that.
      link.write([{ t: 'close', code: CloseCode.PROTOCOL_ERROR.code, reason: String(e) }]);
      this.finish(CloseCode.PROTOCOL_ERROR.code, CloseCode.PROTOCOL_ERROR.reason + ': ' + String(e), false);
      return;
    }
    this.channel.discardControls(); // those were for the previous transport
    const old = this.cur;
    this.cur = link;
    this.sid = open.sid; // before attached(): a polling link's first receive names it
    link.attached();
    if (old && old !== link) old.stop();
    if (open.poll > 0) this.pollMillis = open.poll;
    this.heartbeat = link.kind === WEBSOCKET && open.hb > 0 ? new Heartbeat(open.hb, CLIENT_SLACK_MS, now()) : null;
    this.channel.useAckPolicy(open.ackMs ?? DEFAULT_ACK_DELAY_MS, Math.max(1, open.ackEvery ?? DEFAULT_ACK_EVERY));
    const previous = this.transport;
    this.transport = link.kind;
    this.say('open on ' + link.kind + (newSession ? ' (new session)' : ' (resumed)') + ', server has up to ' + open.ack);
    if (link.kind === POLLING && this.connector.wsPending() && !this.fallback.reason) {
      this.fallback.set('websocket_pending: no WebSocket answer within ' + this.options.parallelDelay
        + ' ms; the session started on polling while WebSocket is still tried', 'client');
    }
    this.fallback.opened(link.kind);
    if (this.readyState === CONNECTING) this.readyState = OPEN;
    if (newSession) this.host.emit(new Event('open'));
    if (previous !== this.transport) {
      this.stats.transportChanges++;
      this.host.emit(new TransportChangeEvent(this.transport, previous));
    }
    if (this.readyState !== CLOSED) this.connector.moved(link);
  }

  // ------------------------------------------------------------------ frames out

  /** Writes what the channel has for the link carrying the session; on a WebSocket, keeps the ack timer. */
  pump() {
    const stream = this.cur !== null && this.cur.kind === WEBSOCKET;
    if (stream) this.channel.tick(now());
    this.flush();
    if (stream && this.channel.ackOwed()) this.timers.set('ack', Math.max(0, this.channel.ackDue() - now()), () => this.pump());
    else this.timers.clear('ack');
  }

  /** @private */
  flush() {
    const link = this.cur;
    if (!link || this.readyState === CLOSED || !this.channel.hasOutput()) return;
    if (!link.canSend()) {
      // A WebSocket whose buffer is full: look again shortly. A polling send in flight calls back
      // when done, and a closing WebSocket's close event is on its way.
      if (link.kind === WEBSOCKET && link.congested()) this.timers.set('drain', 50, () => this.pump());
      return;
    }
    const frames = link.kind === WEBSOCKET
      ? this.channel.drain(Framing.STREAM, MAX_STREAM_BYTES, MAX_STREAM_FRAMES)
      : this.channel.drain(Framing.BATCH, MAX_BATCH_BYTES, MAX_BATCH_FRAMES);
    for (const f of frames) {
      if (f.t !== 'data') continue;
      count(this.stats, link.kind, 'messagesOut', 1);
      count(this.stats, link.kind, 'bytesOut', f.message.size());
    }
    void link.write(frames);
    if (link.kind === WEBSOCKET && this.channel.hasOutput()) this.timers.set('drain', 0, () => this.pump());
  }

  // ------------------------------------------------------------------ ends

  /** @private */
  checkHeartbeat() {
    const link = this.cur;
    if (!link || link.kind !== WEBSOCKET || this.readyState !== OPEN || !this.heartbeat || !this.heartbeat.isDead(now())) return;
    const silent = Math.round(now() - this.heartbeat.lastHeard());
    link.stop(ErrorCode.HEARTBEAT_TIMEOUT.ws);
    this.connector.onLost(link, 'websocket_dead: no frame from the server for ' + silent + ' ms');
  }

  /**
   * The session's messages are gone with it: a fresh channel numbers from 1 again.
   * @private
   * @param {string} reason
   */
  resetChannel(reason) {
    const lost = this.channel.unacknowledged();
    this.channel.failAll(() => { /* no tokens */ });
    this.channel = this.newChannel();
    this.sid = null;
    this.host.emit(new SessionLostEvent(reason, lost));
  }

  /**
   * The server forgot the session: unacknowledged sends are lost; a new session starts.
   * @param {string} reason
   */
  sessionLost(reason) {
    this.cur?.stop();
    this.connector.stopAll(false);
    this.cur = null;
    this.heartbeat = null;
    this.transport = null;
    this.timers.clearAll();
    this.resetChannel(reason);
    this.connector.establish();
  }

  /**
   * @param {number} code
   * @param {string} reason
   * @param {boolean} wasClean
   */
  finish(code, reason, wasClean) {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    const cur = this.cur;
    if (cur && cur.kind === POLLING) cur.abort();
    else cur?.stop();
    this.connector.stopAll(true);
    this.cur = null;
    this.timers.clearAll();
    clearInterval(this.watchdog);
    this.transport = null;
    this.say('closed: ' + code + ' ' + reason);
    this.host.emit(new BridgeCloseEvent(code, reason, wasClean));
  }
}
