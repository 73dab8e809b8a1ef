// @ts-check
// Shared mode, the worker's end (the `shared` option; shared-worker.js runs it): ONE BridgeSocket
// for every tab of the origin that joins, over one MessagePort per tab. The tabs are views of one
// session: every tab gets every message from the server, exactly once and in order, from when it
// joined; what any tab sends goes into the one session in the order the worker hears it. The
// delivery rules stay the socket's own (channel.js); this file only fans out and gathers in.
//
// Tab -> worker:  hello {url, options, leaveGrace, auth, askAuth} | send {data} | close {code, reason} | bye | alive | token {id, token | error}
// Worker -> tab:  welcome {state} | message {data} | event {type, init, state} | state {state} (also the ping)
//                 | refused {message} | auth {id} | dropped
//
// A tab gone without a word (crashed, frozen) stops answering the pings and is dropped after
// DROP_AFTER_MS. When the last tab is gone the session lives on for the leave grace (a tab that
// comes back, a reload while the worker lives) and is then closed; a tab that close()s the
// socket as the last one ends it at once, with its code.

import { CLOSING } from './ready-state.js';

/** @import { TransportName } from './link.js' */
/** @import { BridgeStats } from './stats.js' */
/** @import { BridgeReadyState } from './ready-state.js' */
/** @import { FallbackSource } from './events.js' */
/** @import { AuthOption, BridgeSocketOptions } from './options.js' */

/** How often the worker sends each tab the session's state, which the tab answers (ms). */
export const PING_MS = 2000;
/** A tab that has not answered for this long is gone (ms). */
export const DROP_AFTER_MS = 15000;
/** How long the session outlives its last tab by default (ms). */
export const DEFAULT_LEAVE_GRACE_MS = 5000;
/** How long the worker waits for a tab's auth function (ms). */
export const AUTH_TIMEOUT_MS = 30000;

/** The events of the socket every tab hears (with 'message'). */
const EVENTS = /** @type {const} */ ({
  open: [], error: [], close: ['code', 'reason', 'wasClean'], transportchange: ['transport', 'previous'],
  fallback: ['reason', 'source'], sessionlost: ['reason', 'lost'],
  idlecut: ['transport', 'silentMs', 'cutAfterMs', 'keepaliveMs', 'confirmed', 'cuts'],
});

/**
 * A MessagePort, or anything shaped like one (a test's).
 * @typedef {{ postMessage: (msg: any) => void, onmessage: ((ev: MessageEvent) => any) | null, start?: () => void, close?: () => void }} PortLike
 */

/**
 * What a tab's getters read.
 * @typedef {{ readyState: BridgeReadyState, transport: TransportName | null, fallbackReason: string | null,
 *   fallbackSource: FallbackSource | null, bufferedAmount: number, idleCutAfter: number | null, maxMessage: number,
 *   stats: BridgeStats, log: readonly string[], tabs: number }} HubState
 */

/**
 * @typedef {{ t: 'welcome', state: HubState } | { t: 'state', state: HubState } | { t: 'message', data: string | ArrayBuffer }
 *   | { t: 'event', type: string, init: Record<string, any>, state: HubState } | { t: 'refused', message: string }
 *   | { t: 'auth', id: number } | { t: 'dropped' }} HubToTab
 */

/**
 * The socket the hub runs: what BridgeSocket offers.
 * @typedef {EventTarget & { readyState: BridgeReadyState, transport: TransportName | null, fallbackReason: string | null,
 *   fallbackSource: FallbackSource | null, bufferedAmount: number, idleCutAfter: number | null, maxMessage: number,
 *   stats: BridgeStats, log: readonly string[], binaryType: 'arraybuffer' | 'blob',
 *   send: (data: string | ArrayBuffer) => void, close: (code?: number, reason?: string) => void }} HubSocket
 */

/** @typedef {{ port: PortLike, heard: number, askAuth: boolean }} Tab */

export class SharedHub {
  /** @type {Map<PortLike, Tab>} */ tabs = new Map();
  /** @type {HubSocket | null} */ sock = null;
  /** @private @type {Map<number, { tab: Tab, resolve: (t: string | null) => void, reject: (e: Error) => void }>} */ asks = new Map();
  /** @private */ nextAsk = 1;
  /** @private how long the session outlives its last tab (ms; the first tab's option) */ leaveGrace = DEFAULT_LEAVE_GRACE_MS;
  /** @private @type {ReturnType<typeof setInterval> | undefined} */ pinger;
  /** @private @type {ReturnType<typeof setTimeout> | undefined} */ graceTimer;

  /**
   * @param {(url: string, options: BridgeSocketOptions) => HubSocket} open makes the session's socket
   * @param {{ pingMs?: number, dropAfterMs?: number, now?: () => number }} [timing]
   */
  constructor(open, timing = {}) {
    /** @private */ this.open = open;
    /** @private */ this.pingMs = timing.pingMs ?? PING_MS;
    /** @private */ this.dropAfterMs = timing.dropAfterMs ?? DROP_AFTER_MS;
    /** @private */ this.now = timing.now ?? Date.now;
  }

  /**
   * A tab connected (SharedWorkerGlobalScope's connect event); it joins with its hello.
   * @param {PortLike} port
   */
  attach(port) {
    port.onmessage = (ev) => this.onPortMessage(port, ev.data);
    port.start?.();
  }

  /**
   * @private
   * @param {PortLike} port
   * @param {any} msg
   */
  onPortMessage(port, msg) {
    const tab = this.tabs.get(port);
    if (msg?.t === 'hello') return tab ? undefined : this.join(port, msg);
    if (!tab) {
      if (msg?.t === 'alive' || msg?.t === 'send') port.postMessage({ t: 'dropped' }); // dropped, and now heard again
      return;
    }
    tab.heard = this.now();
    switch (msg.t) {
      case 'send': return this.send(tab, msg.data);
      case 'close': return this.leave(tab, { code: msg.code, reason: msg.reason });
      case 'bye': return this.leave(tab, null);
      case 'token': return this.answered(msg);
      default: return undefined; // alive
    }
  }

  /**
   * @private
   * @param {PortLike} port
   * @param {{ url: string, options: BridgeSocketOptions, auth: string | null, askAuth: boolean, leaveGrace?: number }} hello
   */
  join(port, hello) {
    /** @type {Tab} */
    const tab = { port, heard: this.now(), askAuth: hello.askAuth === true };
    this.tabs.set(port, tab);
    clearTimeout(this.graceTimer);
    if (!this.sock || this.sock.readyState >= CLOSING) this.sock = this.start(hello);
    port.postMessage({ t: 'welcome', state: this.state() });
    if (!this.pinger) {
      this.pinger = setInterval(() => this.ping(), this.pingMs);
      /** @type {{ unref?: () => void }} */ (/** @type {unknown} */ (this.pinger)).unref?.();
    }
  }

  /**
   * The session's socket, from the first tab's options; its events go to every tab.
   * @private
   * @param {{ url: string, options: BridgeSocketOptions, auth: string | null, askAuth: boolean, leaveGrace?: number }} hello
   * @returns {HubSocket}
   */
  start(hello) {
    this.leaveGrace = hello.leaveGrace ?? DEFAULT_LEAVE_GRACE_MS;
    /** @type {AuthOption} */
    const auth = hello.askAuth ? () => this.askToken() : hello.auth;
    const sock = this.open(hello.url, { ...hello.options, auth, shared: false, resumeOnReload: false, storage: null });
    sock.binaryType = 'arraybuffer';
    for (const [type, fields] of Object.entries(EVENTS)) {
      sock.addEventListener(type, (ev) => {
        if (this.sock !== sock) return; // a socket ended for its last tab: nobody listens any more
        /** @type {Record<string, any>} */
        const init = {};
        for (const f of fields) init[f] = /** @type {any} */ (ev)[f];
        this.broadcast({ t: 'event', type, init, state: this.state() });
        if (type === 'close') this.ended();
      });
    }
    sock.addEventListener('message', (ev) => {
      if (this.sock === sock) this.broadcast({ t: 'message', data: /** @type {MessageEvent} */ (ev).data });
    });
    return sock;
  }

  /**
   * @private
   * @param {Tab} tab
   * @param {string | ArrayBuffer} data
   */
  send(tab, data) {
    try {
      this.sock?.send(data);
    } catch (e) {
      tab.port.postMessage({ t: 'refused', message: e instanceof Error ? e.name + ': ' + e.message : String(e) });
    }
  }

  /**
   * A tab left: by close() (ending the session if it was the last), by pagehide, or dropped.
   * @private
   * @param {Tab} tab
   * @param {{ code: number, reason: string } | null} closing
   */
  leave(tab, closing) {
    this.forget(tab);
    if (this.tabs.size > 0 || !this.sock) return;
    if (closing) {
      const sock = this.sock;
      this.ended();
      sock.close(closing.code, closing.reason);
      return;
    }
    clearTimeout(this.graceTimer);
    this.graceTimer = setTimeout(() => {
      if (this.tabs.size > 0 || !this.sock) return;
      const sock = this.sock;
      this.ended();
      sock.close(undefined, 'the last tab left the shared session'); // the default code: 1000, the client closed
    }, this.leaveGrace);
  }

  /**
   * @private
   * @param {Tab} tab
   */
  forget(tab) {
    this.tabs.delete(tab.port);
    for (const [id, ask] of this.asks) {
      if (ask.tab !== tab) continue;
      this.asks.delete(id);
      ask.reject(new Error('the tab asked for a token left'));
    }
    if (this.tabs.size === 0) {
      clearInterval(this.pinger);
      this.pinger = undefined;
    }
  }

  /** @private the session is over: the next tab starts a new one */
  ended() {
    this.sock = null;
    clearTimeout(this.graceTimer);
    for (const tab of [...this.tabs.values()]) this.forget(tab);
  }

  /** @private */
  ping() {
    const state = this.state();
    for (const tab of [...this.tabs.values()]) {
      if (this.now() - tab.heard > this.dropAfterMs) {
        tab.port.postMessage({ t: 'dropped' });
        this.leave(tab, null);
      } else {
        tab.port.postMessage({ t: 'state', state });
      }
    }
  }

  /**
   * A token for an attach, from the auth function of a tab that has one.
   * @private
   * @returns {Promise<string | null>}
   */
  askToken() {
    const tab = [...this.tabs.values()].find((t) => t.askAuth);
    if (!tab) return Promise.reject(new Error('no tab with an auth function is in the shared session'));
    const id = this.nextAsk++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.asks.delete(id);
        reject(new Error('no token from the tab within ' + AUTH_TIMEOUT_MS + ' ms'));
      }, AUTH_TIMEOUT_MS);
      this.asks.set(id, {
        tab,
        resolve: (t) => { clearTimeout(timer); resolve(t); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
      tab.port.postMessage({ t: 'auth', id });
    });
  }

  /**
   * @private
   * @param {{ id: number, token?: string | null, error?: string }} msg
   */
  answered(msg) {
    const ask = this.asks.get(msg.id);
    if (!ask) return;
    this.asks.delete(msg.id);
    if (msg.error !== undefined) ask.reject(new Error(msg.error));
    else ask.resolve(msg.token ?? null);
  }

  /**
   * @private
   * @param {HubToTab} msg
   */
  broadcast(msg) {
    for (const tab of this.tabs.values()) tab.port.postMessage(msg);
  }

  /**
   * @private
   * @returns {HubState}
   */
  state() {
    const s = /** @type {HubSocket} */ (this.sock);
    return s === null ? /** @type {any} */ (null) : {
      readyState: s.readyState, transport: s.transport, fallbackReason: s.fallbackReason, fallbackSource: s.fallbackSource,
      bufferedAmount: s.bufferedAmount, idleCutAfter: s.idleCutAfter, maxMessage: s.maxMessage, stats: s.stats,
      log: s.log.slice(-50), tabs: this.tabs.size,
    };
  }
}
