// @ts-check
// Idle cuts: proxies, load balancers and NAT boxes close connections that stay silent for N
// seconds, often well below the server's heartbeat and poll hold. When a WebSocket or a held poll
// is cut after a silence, that silence is remembered per bridge URL (with the transport memory's
// expiry) and the client keeps its connections busier from then on: it pings a WebSocket and ends
// its held polls itself after half the shortest silence seen cut. After three times that long with
// no further cut the learning counts as confirmed. An IdleCutEvent tells the application both times.

import { IdleCutEvent } from './events.js';

/** @import { TransportName } from './link.js' */
/** @import { TransportStorage } from './memory.js' */

/** A connection lost after less silence than this was not cut for being idle (a refusal, a blip). */
export const MIN_CUT_MS = 1000;
/** Never ping or end a poll more often than this, whatever was learned. */
export const MIN_KEEPALIVE_MS = 500;
/** The learning is confirmed after this many times the cut silence without another cut. */
const CONFIRM_FACTOR = 3;

/** What is stored: the shortest silence seen cut (ms), and when it was learned and expires (epoch ms). */
/** @typedef {{ cutAfter: number, at: number, until: number, confirmed: boolean }} LearnedCut */

export class IdleCuts {
  /** @type {number | null} the shortest silence after which a connection to this bridge was cut, ms */
  cutAfter = null;
  /** Cuts seen by this page. */
  cuts = 0;
  /** @private whether the current learning survived its confirmation period */
  confirmed = false;
  /** @private @type {ReturnType<typeof setTimeout> | undefined} */
  confirmTimer = undefined;

  /**
   * @param {TransportStorage | null} storage null: remember nothing
   * @param {string} key
   * @param {number} rememberFor ms; 0 remembers nothing
   * @param {(ev: Event) => void} emit
   * @param {(line: string) => void} log
   */
  constructor(storage, key, rememberFor, emit, log) {
    /** @private */ this.storage = rememberFor > 0 ? storage : null;
    /** @private */ this.key = key;
    /** @private */ this.rememberFor = rememberFor;
    /** @private */ this.emit = emit;
    /** @private */ this.log = log;
    const m = this.recall();
    if (m) {
      this.cutAfter = m.cutAfter;
      this.confirmed = m.confirmed;
      log('remembered: connections to this bridge were cut after ' + m.cutAfter + ' ms of silence');
    }
  }

  /**
   * How often a WebSocket must carry something: null while no cut is known (the server's pings do).
   * @param {number} serverHb the server's heartbeat interval (ms)
   * @returns {number | null}
   */
  keepalive(serverHb) {
    if (this.cutAfter === null) return null;
    const k = Math.max(MIN_KEEPALIVE_MS, Math.floor(this.cutAfter / 2));
    return serverHb > 0 && serverHb <= k ? null : k;
  }

  /**
   * How long a poll may be held before the client ends it and polls again; null: the server's hold.
   * @param {number} serverPoll the server's poll hold time (ms)
   * @returns {number | null}
   */
  pollHold(serverPoll) {
    const k = this.keepalive(0);
    return k !== null && k < serverPoll ? k : null;
  }

  /**
   * A connection carrying the session was lost after `silentMs` of silence (nothing either way).
   * @param {TransportName} transport
   * @param {number} silentMs
   * @returns {boolean} whether it counts as an idle cut
   */
  cut(transport, silentMs) {
    const silent = Math.round(silentMs);
    if (silent < MIN_CUT_MS) return false;
    this.cuts++;
    const learned = this.cutAfter === null || silent < this.cutAfter;
    if (learned) this.cutAfter = silent;
    this.confirmed = false;
    const cutAfter = /** @type {number} */ (this.cutAfter);
    this.store();
    this.log('idle cut: the ' + transport + ' connection was lost after ' + silent + ' ms of silence; keeping connections busy every '
      + this.keepalive(0) + ' ms (cut #' + this.cuts + ')');
    this.emit(new IdleCutEvent(transport, silent, cutAfter, /** @type {number} */ (this.keepalive(0)), false, this.cuts));
    clearTimeout(this.confirmTimer);
    this.confirmTimer = setTimeout(() => this.confirm(transport), CONFIRM_FACTOR * cutAfter);
    return true;
  }

  /** Stops the confirmation timer (the socket closed). */
  stop() {
    clearTimeout(this.confirmTimer);
  }

  /**
   * No cut for CONFIRM_FACTOR × the silence: the keepalive works.
   * @private
   * @param {TransportName} transport
   */
  confirm(transport) {
    if (this.cutAfter === null) return;
    this.confirmed = true;
    this.store();
    const k = /** @type {number} */ (this.keepalive(0));
    this.log('idle cut confirmed: no cut for ' + CONFIRM_FACTOR * this.cutAfter + ' ms with connections busy every ' + k + ' ms');
    this.emit(new IdleCutEvent(transport, this.cutAfter, this.cutAfter, k, true, this.cuts));
  }

  /** @private @returns {LearnedCut | null} */
  recall() {
    const s = this.storage;
    if (!s) return null;
    try {
      const m = JSON.parse(s.getItem(this.key) || 'null');
      if (!m || typeof m.cutAfter !== 'number' || typeof m.until !== 'number' || m.cutAfter < MIN_CUT_MS) return null;
      if (m.until < Date.now()) {
        s.removeItem(this.key);
        return null;
      }
      return { cutAfter: m.cutAfter, at: m.at, until: m.until, confirmed: m.confirmed === true };
    } catch (e) {
      return null;
    }
  }

  /** @private */
  store() {
    const s = this.storage;
    if (!s || this.cutAfter === null) return;
    const at = Date.now();
    /** @type {LearnedCut} */
    const m = { cutAfter: this.cutAfter, at, until: at + this.rememberFor, confirmed: this.confirmed };
    try {
      s.setItem(this.key, JSON.stringify(m));
    } catch (e) { /* full or disabled */ }
  }
}
