// @ts-check
// What a BridgeSocket reads and drives: its session, either this page's own (LocalCore, here) or
// the one a SharedWorker runs for every tab of the origin (SharedTab, shared-tab.js). The socket
// only ever talks to a SocketCore, so both look the same to the application.

import { randomNonce } from './options.js';
import { CLOSED } from './ready-state.js';
import { Session } from './session.js';
import { forgetSaved, restoreAfterReload, saveForReload } from './reload.js';

/** @import { TransportName } from './link.js' */
/** @import { Message } from './message.js' */
/** @import { BridgeUrls, ResolvedOptions } from './options.js' */
/** @import { BridgeStats } from './stats.js' */
/** @import { BridgeReadyState } from './ready-state.js' */
/** @import { FallbackSource } from './events.js' */
/** @import { SessionHost } from './session.js' */

/**
 * @typedef {object} SocketCore
 * @property {boolean} shared whether a SharedWorker carries the session (for this and other tabs)
 * @property {string} url
 * @property {BridgeReadyState} readyState
 * @property {TransportName | null} transport
 * @property {string | null} fallbackReason
 * @property {FallbackSource | null} fallbackSource
 * @property {number} bufferedAmount
 * @property {number | null} idleCutAfter
 * @property {number} maxMessage
 * @property {BridgeStats} stats
 * @property {readonly string[]} log
 * @property {ResolvedOptions} options
 * @property {(message: Message) => boolean} send queues a message; false when the queue is full (throws RangeError above maxMessage)
 * @property {(code: number, reason: string) => void} close
 */

/** @implements {SocketCore} */
export class LocalCore {
  shared = false;

  /**
   * Starts this page's own session (on the next microtask, once the caller has added listeners).
   * @param {ResolvedOptions} options
   * @param {BridgeUrls} urls
   * @param {SessionHost} host
   */
  constructor(options, urls, host) {
    const session = new Session(options, urls, randomNonce(), host);
    /** @private */ this.session = session;
    /** Whether this page resumed the session of the previous page in the tab (resumeOnReload). */
    this.resumed = options.resumeOnReload && restoreAfterReload(session);
    if (options.resumeOnReload && typeof globalThis.addEventListener === 'function') {
      globalThis.addEventListener('pagehide', () => saveForReload(session));
      globalThis.addEventListener('pageshow', (ev) => {
        if (/** @type {PageTransitionEvent} */ (ev).persisted && session.cur === null && session.readyState !== CLOSED) {
          forgetSaved(session); // back from the back/forward cache with its session: reconnect
          session.connector.reconnectLater();
        }
      });
    }
    Promise.resolve().then(() => session.connector.establish());
  }

  get url() { return this.session.urls.url; }
  get readyState() { return this.session.readyState; }
  get transport() { return this.session.transport; }
  get fallbackReason() { return this.session.fallback.reason; }
  get fallbackSource() { return this.session.fallback.source; }
  get bufferedAmount() { return this.session.channel.unacknowledgedBytes(); }
  get idleCutAfter() { return this.session.idle.cutAfter; }
  get maxMessage() { return this.session.settings.maxMessage; }
  get stats() { return this.session.stats; }
  get log() { return this.session.log.lines; }
  get options() { return this.session.options; }

  /** @param {Message} message */
  send(message) {
    return this.session.send(message);
  }

  /**
   * @param {number} code
   * @param {string} reason
   */
  close(code, reason) {
    this.session.close(code, reason);
  }
}
