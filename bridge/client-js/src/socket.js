// @ts-check
// BridgeSocket: the application's face of one Comet Bridge session, shaped like a WebSocket
// (open/message/close/error events, on* properties, send, close, readyState, bufferedAmount,
// binaryType) plus `transport`, `fallbackReason`, `stats` and the events `transportchange`,
// `fallback` and `sessionlost`. Unlike a WebSocket it accepts send() while CONNECTING (messages
// wait for the session) and keeps its session across transport changes. The work is session.js's,
// or, in shared mode (the `shared` option), a SharedWorker's that serves every tab of the origin
// (shared-tab.js, shared-hub.js).

import { CloseCode } from './codes.js';
import { Message } from './message.js';
import { bridgeUrls, resolveOptions } from './options.js';
import { CLOSED, CLOSING, CONNECTING, OPEN } from './ready-state.js';
import { SharedEvent, domError, reportHandlerError } from './events.js';
import { LocalCore } from './local-core.js';
import { joinShared } from './shared-tab.js';

/** @import { TransportName } from './link.js' */
/** @import { BridgeSocketOptions, ResolvedOptions } from './options.js' */
/** @import { BridgeStats } from './stats.js' */
/** @import { BridgeReadyState } from './ready-state.js' */
/** @import { SocketCore } from './local-core.js' */
/** @import { SessionHost } from './session.js' */
/** @import { FallbackSource, BridgeSocketEventMap, BridgeMessageEvent, BridgeCloseEvent, TransportChangeEvent, FallbackEvent, SessionLostEvent, IdleCutEvent } from './events.js' */
/**
 * @template {Event} E
 * @typedef {((this: BridgeSocket, ev: E) => unknown) | null} BridgeSocketHandler
 */

/**
 * One Comet Bridge session, WebSocket-like. The session survives transport changes: messages are
 * delivered exactly once and in order both ways for as long as it lives.
 */
export class BridgeSocket extends EventTarget {
  static CONNECTING = /** @type {0} */ (CONNECTING);
  static OPEN = /** @type {1} */ (OPEN);
  static CLOSING = /** @type {2} */ (CLOSING);
  static CLOSED = /** @type {3} */ (CLOSED);

  /** @type {'arraybuffer' | 'blob'} */
  binaryType = 'arraybuffer';
  /** @readonly @type {''} */
  protocol = '';
  /** @readonly @type {''} */
  extensions = '';
  /** @type {BridgeSocketHandler<Event>} */ onopen = null;
  /** @type {BridgeSocketHandler<BridgeMessageEvent>} */ onmessage = null;
  /** @type {BridgeSocketHandler<BridgeCloseEvent>} */ onclose = null;
  /** @type {BridgeSocketHandler<Event>} */ onerror = null;
  /** @type {BridgeSocketHandler<TransportChangeEvent>} */ ontransportchange = null;
  /** @type {BridgeSocketHandler<FallbackEvent>} */ onfallback = null;
  /** @type {BridgeSocketHandler<SessionLostEvent>} */ onsessionlost = null;
  /** @type {BridgeSocketHandler<IdleCutEvent>} */ onidlecut = null;
  /** @type {BridgeSocketHandler<SharedEvent>} */ onshared = null;

  /** @type {SocketCore} this page's session, or the shared one (shared mode) */ #core;

  /**
   * @param {string | URL | null} [url] the bridge's base URL with its prefix ("/bridge",
   *   "https://example.com/bridge"); default: where this module was loaded from ({prefix}/client.js)
   * @param {BridgeSocketOptions} [options]
   */
  constructor(url, options) {
    super();
    const resolved = resolveOptions(options);
    const urls = bridgeUrls(url, import.meta.url);
    /** @type {SessionHost} */
    const host = { emit: (ev) => this.#emit(ev), binaryType: () => this.binaryType };
    /** Whether this page resumed the session of the previous page in the tab (resumeOnReload). */
    this.resumed = false;
    if (resolved.shared) {
      this.#core = joinShared(resolved, urls, host, import.meta.url, (reason, waiting) => {
        const local = new LocalCore(resolved, urls, host);
        this.#core = local;
        for (const m of waiting) local.send(m); // they never reached a worker
        Promise.resolve().then(() => this.#emit(new SharedEvent(false, reason)));
      });
    } else {
      const local = new LocalCore(resolved, urls, host);
      this.#core = local;
      this.resumed = local.resumed;
    }
  }

  get CONNECTING() { return BridgeSocket.CONNECTING; }
  get OPEN() { return BridgeSocket.OPEN; }
  get CLOSING() { return BridgeSocket.CLOSING; }
  get CLOSED() { return BridgeSocket.CLOSED; }
  /** The bridge base URL, without a trailing slash. */
  get url() { return this.#core.url; }
  /**
   * CONNECTING until the session opens, OPEN while it lives (whatever transport carries it), then CLOSED.
   * @returns {BridgeReadyState}
   */
  get readyState() { return this.#core.readyState; }
  /** The transport carrying the session now; null while connecting or re-attaching. @returns {TransportName | null} */
  get transport() { return this.#core.transport; }
  /** Why the session is not on WebSocket (null when it is, or was never meant to be). */
  get fallbackReason() { return this.#core.fallbackReason; }
  /**
   * Who says so: 'server' (it saw the damaged upgrade), 'client' (the browser's own view) or 'memory'.
   * @returns {FallbackSource | null}
   */
  get fallbackSource() { return this.#core.fallbackSource; }
  /** Payload bytes sent but not yet acknowledged by the server. */
  get bufferedAmount() { return this.#core.bufferedAmount; }
  /** The shortest silence after which a connection to this bridge was cut (learned or remembered), ms; null: none seen. */
  get idleCutAfter() { return this.#core.idleCutAfter; }
  /** @returns {BridgeStats} */
  get stats() { return this.#core.stats; }
  /** The last state changes, for diagnostics. @returns {readonly string[]} */
  get log() { return this.#core.log; }
  /** The largest message the server takes (its latest open frame's maxMessage; 262144 before). */
  get maxMessage() { return this.#core.maxMessage; }
  /**
   * Whether a SharedWorker carries the session for this and the origin's other tabs (the `shared`
   * option); false for a session of this page's own, the fallback included.
   */
  get shared() { return this.#core.shared; }
  /** @returns {ResolvedOptions} */
  get options() { return this.#core.options; }

  /**
   * Queues a message, delivered exactly once and in order. Allowed while CONNECTING. Throws
   * InvalidStateError once closing or closed, QuotaExceededError when the replay buffer is full, and
   * a RangeError for a message above the server's limit (the open frame's maxMessage, in UTF-16
   * units of text or bytes; 262144 until the first open says otherwise).
   * @param {string | ArrayBuffer | ArrayBufferView} data
   */
  send(data) {
    const core = this.#core;
    if (core.readyState === CLOSING || core.readyState === CLOSED) throw domError('the session is closed', 'InvalidStateError');
    if (!core.send(toMessage(data))) {
      throw domError('send queue full (' + core.bufferedAmount + ' bytes unacknowledged)', 'QuotaExceededError');
    }
  }

  /**
   * Ends the session; the server's application hears the code (default 1000). In shared mode this
   * tab leaves the session (its close event comes at once) and the session ends only when no other
   * tab is in it.
   * @param {number} [code]
   * @param {string} [reason]
   */
  close(code = CloseCode.CLIENT_CLOSED.code, reason = CloseCode.CLIENT_CLOSED.reason) {
    const core = this.#core;
    if (core.readyState === CLOSING || core.readyState === CLOSED) return;
    core.close(code, String(reason));
  }

  // The overloads make addEventListener('message', ev => ...) see a BridgeMessageEvent.
  /**
   * @template {keyof BridgeSocketEventMap} K
   * @overload
   * @param {K} type
   * @param {(this: BridgeSocket, ev: BridgeSocketEventMap[K]) => unknown} listener
   * @param {boolean | AddEventListenerOptions} [options]
   * @returns {void}
   */
  /**
   * @overload
   * @param {string} type
   * @param {EventListenerOrEventListenerObject | null} listener
   * @param {boolean | AddEventListenerOptions} [options]
   * @returns {void}
   */
  /**
   * @override
   * @param {string} type
   * @param {any} listener
   * @param {boolean | AddEventListenerOptions} [options]
   */
  addEventListener(type, listener, options) {
    super.addEventListener(type, listener, options);
  }

  /**
   * @template {keyof BridgeSocketEventMap} K
   * @overload
   * @param {K} type
   * @param {(this: BridgeSocket, ev: BridgeSocketEventMap[K]) => unknown} listener
   * @param {boolean | EventListenerOptions} [options]
   * @returns {void}
   */
  /**
   * @overload
   * @param {string} type
   * @param {EventListenerOrEventListenerObject | null} listener
   * @param {boolean | EventListenerOptions} [options]
   * @returns {void}
   */
  /**
   * @override
   * @param {string} type
   * @param {any} listener
   * @param {boolean | EventListenerOptions} [options]
   */
  removeEventListener(type, listener, options) {
    super.removeEventListener(type, listener, options);
  }

  /**
   * Dispatches to the listeners, then the on* handler (whose exceptions are reported, not thrown).
   * @param {Event} ev
   */
  #emit(ev) {
    this.dispatchEvent(ev);
    const handler = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (this))['on' + ev.type];
    if (typeof handler !== 'function') return;
    try {
      handler.call(this, ev);
    } catch (e) {
      reportHandlerError(e);
    }
  }
}

/**
 * What send() takes, as a message of its own (the caller may reuse its buffer).
 * @param {string | ArrayBuffer | ArrayBufferView} data
 * @returns {Message}
 */
function toMessage(data) {
  if (typeof data === 'string') return Message.text(data);
  if (data instanceof ArrayBuffer) return Message.binary(new Uint8Array(data.slice(0)));
  if (ArrayBuffer.isView(data)) return Message.binary(new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)));
  throw new TypeError('send takes a string, an ArrayBuffer or a typed array');
}
