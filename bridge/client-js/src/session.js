// @ts-check
// The client's end of one session, behind BridgeSocket: it owns the channel (delivery rules),
// feeds it what the links bring, and keeps the session's lifecycle (open, the server's settings and
// resume key, heartbeat, close, a session the server forgot, giving up). Which link carries the
// session is connector.js's; writing to it is writer.js's; why it is not WebSocket is fallback.js's.
// (The Java client's ClientSession is the reference.)
//
// A link that brings a sequence gap or an ack of something never sent is dropped and the session
// re-attaches: the resend that follows the attach fills the gap (as the Java client does).

import { Channel } from './channel.js';
import { DEFAULT_ACK_DELAY_MS, DEFAULT_ACK_EVERY } from './channel-policy.js';
import { BridgeError, ErrorCode } from './codes.js';
import { DEFAULT_SETTINGS, settingsOf } from './codec.js';
import { exactBuffer } from './message.js';
import { CLIENT_SLACK_MS, Heartbeat } from './heartbeat.js';
import { POLLING, WEBSOCKET, now } from './link.js';
import { Connector } from './connector.js';
import { Fallback } from './fallback.js';
import { TransportMemory, defaultStorage } from './memory.js';
import { IdleCuts } from './idle-cuts.js';
import { WsDemotion } from './ws-demotion.js';
import { CLOSED, CONNECTING, OPEN } from './ready-state.js';
import { DiagnosticLog, count, newStats } from './stats.js';
import { Timers } from './timers.js';
import { Writer } from './writer.js';
import { ServerRefusal } from './refusal.js';
import { BridgeCloseEvent, BridgeMessageEvent, FallbackEvent, SessionLostEvent, TransportChangeEvent } from './events.js';

/** @import { Frame, OpenFrame, Settings } from './codec.js' */
/** @import { Message } from './message.js' */
/** @import { Link, LinkOwner, TransportName } from './link.js' */
/** @import { ResolvedOptions, BridgeUrls } from './options.js' */
/** @import { BridgeReadyState } from './ready-state.js' */
/** @typedef {{ emit: (ev: Event) => void, binaryType: () => 'arraybuffer' | 'blob' }} SessionHost */

export class Session {
  /** @type {BridgeReadyState} */ readyState = CONNECTING;
  /** @type {TransportName | null} */ transport = null;
  stats = newStats();
  /** @type {Channel<null>} */ channel;
  /** @type {string | null} */ sid = null;
  /** @type {string | null} the resume key of the latest open frame: proof at the next attach (PROTOCOL.md 2.1) */ key = null;
  /** @type {Readonly<Settings>} the server's, from its latest open frame (the protocol's defaults before) */ settings = DEFAULT_SETTINGS;
  /** Whether a session ever opened: before, an unknown HTTP status means a wrong URL or setup. */ everOpened = false;
  /** Whether the server put the session in the polling A/B cohort (PROTOCOL.md 10.3): no WebSocket, no probes. */ pollingCohort = false;
  /** @type {Link | null} the link carrying the session */ cur = null;
  /** @type {Heartbeat | null} */ heartbeat = null;
  timers = new Timers();
  /** @private @type {TransportName | null} whose frames the channel is taking */ receivingOn = null;
  /** @type {Link | null} the last link lost to an idle cut the client learned from (not its fault) */ cutLink = null;

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
    const storage = options.storage === undefined ? defaultStorage() : options.storage;
    this.idle = new IdleCuts(storage, 'cometbridge:idle:' + urls.url, options.rememberFor, (ev) => host.emit(ev), (line) => this.say(line));
    this.fallback = new Fallback(new TransportMemory(storage, 'cometbridge:transport:' + urls.url, options.rememberFor),
      (reason, source) => {
        if (reason !== null) this.say('fallback reason (' + source + '): ' + reason);
        host.emit(new FallbackEvent(reason, source));
      });
    this.channel = this.newChannel();
    this.demotion = new WsDemotion(options.demoteFor);
    this.connector = new Connector(this);
    this.writer = new Writer(this);
    /** @type {LinkOwner} what the links report to */
    this.links = {
      frames: (link, frames) => this.onFrames(link, frames),
      upgraded: (link) => this.connector.onUpgraded(link),
      trusted: (link) => this.connector.onTrusted(link),
      failed: (link, reason) => this.connector.onWsFailed(link, reason),
      lost: (link, reason) => this.connector.onLost(link, reason),
      cut: (link, silentMs) => {
        if (link === this.cur && this.readyState === OPEN && this.idle.cut(link.kind, silentMs)) {
          this.stats.idleCuts++;
          this.cutLink = link;
        }
      },
      refused: (link, refusal) => this.connector.onRefused(link, refusal),
      writable: () => this.pump(),
      sendFailed: (link) => this.writer.sendFailed(link),
      count: (kind, counter, n) => count(this.stats, kind, counter, n),
      log: (line) => this.say(line),
      pollAck: () => this.channel.takeAck(),
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

  /**
   * Stops every link without a close frame (the server keeps the session for its grace period) and
   * reconnects only when asked (the page went away, reload.js).
   * @param {string} why
   */
  suspend(why) {
    const cur = this.cur;
    if (cur && cur.kind === POLLING) cur.abort();
    else cur?.stop();
    this.connector.stopAll(true);
    this.cur = null;
    this.heartbeat = null;
    this.transport = null;
    this.timers.clearAll();
    this.say(why);
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
   * Queues a message; false when the replay buffer is full. Throws a RangeError for a message above
   * the server's limit (its open frame's maxMessage; the protocol's default before the first open).
   * @param {Message} message
   */
  send(message) {
    const max = this.settings.maxMessage;
    if (message.size() > max) {
      throw new RangeError('message of ' + message.size() + (message.isBinary() ? ' bytes' : ' characters')
        + ' is above the server\'s limit of ' + max + ' (maxMessage)');
    }
    if (!this.channel.offer(message, null)) return false;
    this.stats.messagesOut++;
    this.stats.bytesOut += message.size();
    this.pump();
    return true;
  }

  /**
   * Ends the session; the server's application hears the code and reason.
   * @param {number} code
   * @param {string} reason
   */
  close(code, reason) {
    this.writer.close(code, reason);
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
    if (link === this.cur && link.kind === POLLING) this.fallback.networkWorks();
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
      // An open not taken (a lost session): the rest of the batch belongs to no session of ours.
      if (f.t === 'open' && !this.onOpen(link, f)) return;
      if (f.t === 'close') return this.finish(f.code, f.reason, true);
      if (f.t === 'error') return this.connector.onRefused(link, ServerRefusal.ofFrame(f));
      if (f.t === 'notice' && f.kind === 'ws_fallback' && this.transport !== WEBSOCKET) this.fallback.heard(f.reason, 'server', this.transport);
      if (f.t === 'notice' && f.kind === 'move') return this.connector.moveAway(link, f.reason);
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
   * The server took an attach: the link carries the session from now on, unless the session cannot
   * go on (then a new one starts, as the Java client's ClientSession.opened does).
   * @private
   * @param {Link} link
   * @param {OpenFrame} open
   * @returns {boolean} whether the link carries the session now
   */
  onOpen(link, open) {
    if (link !== this.connector.pend) return false;
    if (this.sid !== null && !open.resumed) this.resetChannel('the server started a new session');
    const newSession = this.sid === null || !open.resumed;
    const received = this.channel.received();
    if (open.resumed && open.next > received + 1) {
      // Messages this client never got are gone from the server's replay buffer: never go on with a gap.
      this.sessionLost('the server can no longer send messages ' + (received + 1) + ' to ' + (open.next - 1));
      return false;
    }
    try {
      this.channel.resume(open.ack);
    } catch (e) {
      if (!(e instanceof BridgeError)) throw e;
      this.sessionLost('the server acknowledged messages this client never sent');
      return false;
    }
    this.channel.discardControls(); // those were for the previous transport; the flush after this call writes the rest
    const old = this.cur;
    this.cur = link;
    this.sid = open.sid;
    this.key = open.key ?? null;
    this.settings = settingsOf(open);
    if (newSession) this.pollingCohort = open.cohort === 'polling';
    else if (open.cohort === 'polling') this.pollingCohort = true;
    this.everOpened = true;
    link.attached();
    if (old && old !== link) old.stop();
    this.heartbeat = link.kind === WEBSOCKET && open.hb > 0 ? new Heartbeat(open.hb, CLIENT_SLACK_MS, now()) : null;
    this.channel.useAckPolicy(open.ackMs, open.ackEvery);
    this.keepalive();
    if (link.kind === WEBSOCKET) this.demotion.attached(now());
    const previous = this.transport;
    this.transport = link.kind;
    this.say('open on ' + link.kind + (newSession ? ' (new session)' : ' (resumed)') + ', server has up to ' + open.ack);
    if (link.kind === POLLING && this.connector.wsPending() && !this.fallback.reason) {
      this.fallback.set('websocket_pending: no WebSocket answer within ' + this.options.parallelDelay
        + ' ms; the session started on polling while WebSocket is still tried', 'client');
    }
    this.fallback.opened(link.kind);
    const first = this.readyState === CONNECTING;
    if (first) this.readyState = OPEN;
    if (newSession || first) this.host.emit(new Event('open')); // first: a session resumed after a page reload
    if (previous !== this.transport) {
      this.stats.transportChanges++;
      this.host.emit(new TransportChangeEvent(this.transport, previous));
    }
    if (this.readyState !== CLOSED) this.connector.moved(link);
    return true;
  }

  /** Writes what the channel has for the link carrying the session (writer.js). */
  pump() {
    this.writer.pump();
  }

  /**
   * Pings a WebSocket that has been silent for the keepalive a learned idle cut asks for (the
   * server's pong makes traffic both ways), and looks again when it is next due.
   * @private
   */
  keepalive() {
    const link = this.cur;
    const every = this.idle.keepalive(this.settings.hb);
    if (!link || link.kind !== WEBSOCKET || every === null || this.readyState === CLOSED) return;
    let due = link.lastTraffic + every - now();
    if (due <= 0) {
      link.write([{ t: 'ping', ts: Date.now() }]);
      due = every;
    }
    this.timers.set('keepalive', due, () => this.keepalive());
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
    this.key = null;
    this.say('session lost: ' + reason);
    this.host.emit(new SessionLostEvent(reason, lost));
  }

  /**
   * The server forgot the session, or it cannot go on: unacknowledged sends are lost; a new
   * session starts.
   * @param {string} reason
   */
  sessionLost(reason) {
    const had = this.transport;
    this.cur?.stop();
    this.connector.stopAll(false);
    this.cur = null;
    this.heartbeat = null;
    this.transport = null;
    this.timers.clearAll();
    if (had !== null) this.host.emit(new TransportChangeEvent(null, had));
    this.resetChannel(reason);
    this.connector.reconnectLater();
  }

  /**
   * The session is over: the application hears why.
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
    this.idle.stop();
    clearInterval(this.watchdog);
    this.transport = null;
    this.say('closed: ' + code + ' ' + reason);
    this.host.emit(new BridgeCloseEvent(code, reason, wasClean));
  }
}

