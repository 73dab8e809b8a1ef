// @ts-check
// Shared mode, the tab's end (the `shared` option): the page's BridgeSocket reads and drives the
// session a SharedWorker runs for every tab of the origin (shared-hub.js), over a MessagePort. The
// worker tells this tab its events and the server's messages, with a copy of the session's state
// (readyState, transport, stats...) that the getters read, refreshed with every event and every
// PING_MS (shared-hub.js). Sends wait here until the worker has welcomed the tab, so when the worker never starts
// they go to a session of this page's own (the fallback) instead, none lost and none twice.

import { CONNECTING, CLOSED, OPEN } from './ready-state.js';
import { DEFAULT_SETTINGS } from './codec.js';
import { SocketCode } from './codes.js';
import { exactBuffer } from './message.js';
import { newStats } from './stats.js';
import {
  BridgeCloseEvent, BridgeMessageEvent, FallbackEvent, IdleCutEvent, SessionLostEvent, SharedEvent, TransportChangeEvent,
} from './events.js';
import { DROP_AFTER_MS } from './shared-hub.js';

/** @import { Message } from './message.js' */
/** @import { BridgeUrls, ResolvedOptions, SharedOption } from './options.js' */
/** @import { SessionHost } from './session.js' */
/** @import { SocketCore } from './local-core.js' */
/** @import { HubState, HubToTab, PortLike } from './shared-hub.js' */

/** How long a tab waits for the worker's welcome before it gives up on sharing (ms): a worker that loads but never answers. */
export const WELCOME_TIMEOUT_MS = 10000;

/**
 * Where the session comes from in shared mode: the origin's SharedWorker for this bridge URL and
 * name, or, where there is none or it cannot start, `fallBack` (which gets the sends made meanwhile).
 * @param {ResolvedOptions} options
 * @param {BridgeUrls} urls
 * @param {SessionHost} host
 * @param {string} moduleUrl import.meta.url of the client (the worker script is beside it)
 * @param {(reason: string, waiting: Message[]) => void} fallBack
 * @returns {SocketCore}
 */
export function joinShared(options, urls, host, moduleUrl, fallBack) {
  const detail = /** @type {SharedOption} */ (typeof options.shared === 'object' && options.shared ? options.shared : {});
  const tab = new SharedTab(options, urls, host, fallBack);
  if (typeof SharedWorker === 'undefined') {
    queueMicrotask(() => tab.unavailable('no SharedWorker in this browser'));
    return tab;
  }
  try {
    const script = new URL(String(detail.script ?? './shared-worker.js'), moduleUrl);
    const worker = new SharedWorker(script, { type: 'module', name: 'cometbridge ' + urls.url + ' ' + (detail.name ?? '') });
    worker.addEventListener('error', () => tab.unavailable('the shared worker failed to start (' + script.href + ')'));
    tab.start(worker.port);
  } catch (e) {
    queueMicrotask(() => tab.unavailable('the shared worker could not be created: ' + (e instanceof Error ? e.message : String(e))));
  }
  return tab;
}

/** The session of the origin's SharedWorker, as this tab sees and drives it (a SocketCore). */
export class SharedTab {
  shared = true;
  /** @type {HubState} the worker's latest word on the session */
  state = {
    readyState: CONNECTING, transport: null, fallbackReason: null, fallbackSource: null, bufferedAmount: 0,
    idleCutAfter: null, maxMessage: DEFAULT_SETTINGS.maxMessage, stats: newStats(), log: [], tabs: 0,
  };
  /** @private @type {Message[] | null} sends made before the welcome; null once welcomed */ waiting = [];
  /** @private @type {PortLike | null} */ port = null;
  /** @private @type {ReturnType<typeof setTimeout> | undefined} */ welcomeTimer;
  /** @private */ closedHere = false;

  /**
   * @param {ResolvedOptions} options
   * @param {BridgeUrls} urls
   * @param {SessionHost} host
   * @param {(reason: string, waiting: Message[]) => void} fallBack
   */
  constructor(options, urls, host, fallBack) {
    this.options = options;
    /** @private */ this.urls = urls;
    /** @private */ this.host = host;
    /** @private */ this.fallBack = fallBack;
    /** @private */ this.onPageHide = () => this.leave();
  }

  get url() { return this.urls.url; }
  get readyState() { return this.closedHere ? CLOSED : this.state.readyState; }
  get transport() { return this.state.transport; }
  get fallbackReason() { return this.state.fallbackReason; }
  get fallbackSource() { return this.state.fallbackSource; }
  get bufferedAmount() { return this.state.bufferedAmount; }
  get idleCutAfter() { return this.state.idleCutAfter; }
  get maxMessage() { return this.state.maxMessage; }
  get stats() { return this.state.stats; }
  get log() { return this.state.log; }

  /**
   * Joins the worker over its port: the first tab's hello starts the session.
   * @param {PortLike} port
   */
  start(port) {
    this.port = port;
    port.onmessage = (ev) => this.onMessage(/** @type {HubToTab} */ (ev.data));
    port.start?.();
    const { auth, storage, shared, ...rest } = this.options; // functions and storage objects cannot cross to the worker
    void storage;
    port.postMessage({
      t: 'hello', url: this.urls.url, options: rest, leaveGrace: typeof shared === 'object' ? shared.leaveGrace : undefined,
      auth: typeof auth === 'function' ? null : auth, askAuth: typeof auth === 'function',
    });
    this.welcomeTimer = setTimeout(() => this.unavailable('no answer from the shared worker within ' + WELCOME_TIMEOUT_MS + ' ms'), WELCOME_TIMEOUT_MS);
    globalThis.addEventListener?.('pagehide', this.onPageHide);
  }

  /**
   * Sharing did not work out before the welcome: this page goes on with a session of its own.
   * @param {string} reason
   */
  unavailable(reason) {
    const waiting = this.waiting;
    if (waiting === null || this.closedHere) return; // welcomed (or closed): too late to fall back
    this.waiting = null;
    this.detach('bye');
    this.fallBack(reason, waiting);
  }

  /** @param {Message} message */
  send(message) {
    if (message.size() > this.state.maxMessage) {
      throw new RangeError('message of ' + message.size() + (message.isBinary() ? ' bytes' : ' characters')
        + ' is above the server\'s limit of ' + this.state.maxMessage + ' (maxMessage)');
    }
    if (this.waiting !== null) this.waiting.push(message);
    else this.post(message);
    return true; // a full queue is the worker's to find: it answers with an error event
  }

  /**
   * This tab leaves the session; the last tab to leave ends it with this code and reason.
   * @param {number} code
   * @param {string} reason
   */
  close(code, reason) {
    for (const m of this.waiting ?? []) this.post(m); // the worker has the hello; these go before the close
    this.waiting = null;
    this.port?.postMessage({ t: 'close', code, reason });
    this.finish(code, reason, true);
  }

  /**
   * @private
   * @param {Message} message
   */
  post(message) {
    this.port?.postMessage({ t: 'send', data: message.bytes !== null ? exactBuffer(message.bytes) : message.text });
  }

  /**
   * @private
   * @param {HubToTab} msg
   */
  onMessage(msg) {
    if (this.closedHere) return;
    if ('state' in msg) this.state = msg.state;
    switch (msg.t) {
      case 'welcome': return this.welcomed();
      case 'state': return this.port?.postMessage({ t: 'alive' });
      case 'message': return this.deliver(msg.data);
      case 'event': return this.event(msg.type, msg.init);
      case 'refused':
        this.state.log = [...this.state.log, 'shared worker refused a send: ' + msg.message];
        return this.host.emit(new Event('error'));
      case 'auth': return this.answerAuth(msg.id);
      case 'dropped':
        return this.finish(SocketCode.GOING_AWAY, 'this tab was dropped from the shared session: no answer to the shared worker for '
          + DROP_AFTER_MS / 1000 + ' s', false);
    }
  }

  /** @private */
  welcomed() {
    clearTimeout(this.welcomeTimer);
    for (const m of this.waiting ?? []) this.post(m);
    this.waiting = null;
    this.host.emit(new SharedEvent(true, null));
    if (this.state.readyState === OPEN) this.host.emit(new Event('open')); // joined a session already open
  }

  /**
   * @private
   * @param {string | ArrayBuffer} data
   */
  deliver(data) {
    /** @type {string | ArrayBuffer | Blob} */
    let d = data;
    if (typeof d !== 'string' && this.host.binaryType() === 'blob' && globalThis.Blob) d = new Blob([d]);
    this.host.emit(new BridgeMessageEvent(d, this.urls.origin));
  }

  /**
   * The session's event, as this tab's.
   * @private
   * @param {string} type
   * @param {Record<string, any>} i
   */
  event(type, i) {
    switch (type) {
      case 'close': return this.finish(i.code, i.reason, i.wasClean);
      case 'transportchange': return this.host.emit(new TransportChangeEvent(i.transport, i.previous));
      case 'fallback': return this.host.emit(new FallbackEvent(i.reason, i.source));
      case 'sessionlost': return this.host.emit(new SessionLostEvent(i.reason, i.lost));
      case 'idlecut': return this.host.emit(new IdleCutEvent(i.transport, i.silentMs, i.cutAfterMs, i.keepaliveMs, i.confirmed, i.cuts));
      default: return this.host.emit(new Event(type)); // open, error
    }
  }

  /**
   * The worker needs a token for an attach: this tab's auth function gives it.
   * @private
   * @param {number} id
   */
  answerAuth(id) {
    const auth = this.options.auth;
    Promise.resolve().then(() => (typeof auth === 'function' ? auth() : auth)).then(
      (token) => this.port?.postMessage({ t: 'token', id, token: token ?? null }),
      (e) => this.port?.postMessage({ t: 'token', id, error: e instanceof Error ? e.message : String(e) }));
  }

  /**
   * The page goes away (pagehide): the worker forgets this tab at once. A page restored from the
   * back/forward cache missed what came meanwhile, so its socket is closed (1001) rather than
   * silently resumed with a gap.
   * @private
   */
  leave() {
    if (this.closedHere) return;
    this.detach('bye');
    this.finish(SocketCode.GOING_AWAY, 'the page was hidden and left the shared session', false);
  }

  /**
   * @private
   * @param {'bye' | null} say
   */
  detach(say) {
    clearTimeout(this.welcomeTimer);
    globalThis.removeEventListener?.('pagehide', this.onPageHide);
    if (say) this.port?.postMessage({ t: say });
    if (this.port) this.port.onmessage = null; // not closed: a close or bye just posted still goes out
    this.port = null;
  }

  /**
   * @private
   * @param {number} code
   * @param {string} reason
   * @param {boolean} wasClean
   */
  finish(code, reason, wasClean) {
    if (this.closedHere) return;
    this.closedHere = true;
    this.detach(null);
    this.host.emit(new BridgeCloseEvent(code, reason, wasClean));
  }
}
