// @ts-check
// Why the session is not on WebSocket, from whom (the server's word beats the client's guess),
// and what is remembered for the next page load (memory.js).

import { POLLING, WEBSOCKET } from './link.js';

/** @import { TransportName } from './link.js' */
/** @import { FallbackSource } from './events.js' */
/** @import { TransportMemory } from './memory.js' */

export class Fallback {
  /** @type {string | null} */ reason = null;
  /** @type {FallbackSource | null} */ source = null;
  /** @private @type {{ reason: string, ttl: number | undefined } | null} a WebSocket failure not remembered until polling proves the network works */
  unproven = null;

  /**
   * @param {TransportMemory} memory
   * @param {(reason: string | null, source: FallbackSource | null) => void} changed called on every change
   */
  constructor(memory, changed) {
    /** @private */ this.memory = memory;
    /** @private */ this.changed = changed;
  }

  /**
   * @param {string | null} reason null: the session is on WebSocket (again)
   * @param {FallbackSource | null} source
   */
  set(reason, source) {
    if (this.reason === reason) return;
    this.reason = reason;
    this.source = reason === null ? null : source;
    this.changed(reason, this.source);
  }

  /**
   * The client's own view, unless the server already said what it saw.
   * @param {string} reason
   * @param {TransportName | null} transport the one carrying the session now
   */
  guess(reason, transport) {
    if (this.source !== 'server') this.heard(reason, 'client', transport);
  }

  /**
   * The transport order for a (re)connect: the configured one, unless polling is remembered or
   * WebSocket is demoted (ws-demotion.js).
   * @param {readonly TransportName[]} configured
   * @param {boolean} [demoted]
   * @returns {TransportName[]}
   */
  order(configured, demoted = false) {
    const order = configured.slice();
    if (order[0] === WEBSOCKET && order.includes(POLLING) && demoted) return [POLLING, WEBSOCKET];
    if (order[0] === WEBSOCKET && order.includes(POLLING)) {
      const m = this.memory.recall();
      if (m && m.transport === POLLING) {
        const ago = Math.round((Date.now() - m.at) / 60000);
        this.set('remembered: WebSocket failed for this bridge ' + ago + ' min ago (' + (m.reason || 'no reason known') + ')', 'memory');
        return [POLLING, WEBSOCKET];
      }
    } else if (order[0] === POLLING && !this.reason) {
      this.set('configured: polling comes first in the transports option', 'client');
    }
    return order;
  }

  /**
   * The session opened on `transport`: remember it (polling only with a reason of this page's).
   * @param {TransportName} transport
   */
  opened(transport) {
    if (transport === WEBSOCKET) {
      this.set(null, null);
      this.memory.remember(WEBSOCKET, null);
    } else if (this.unproven !== null) {
      this.networkWorks(); // the open came over polling: the network works
    } else if ((this.source === 'client' || this.source === 'server') && this.reason && !this.reason.startsWith('websocket_pending')) {
      this.memory.remember(POLLING, this.reason); // a WebSocket still trying is no reason to remember
    }
  }

  /**
   * WebSocket is demoted for `ttl` ms: remembered for that long, once polling has worked.
   * @param {string} reason
   * @param {number} ttl
   */
  demote(reason, ttl) {
    this.set(reason, 'client');
    this.unproven = { reason, ttl };
  }

  /**
   * Polling just carried an answer: the network works, so a WebSocket failure heard meanwhile
   * means WebSocket is blocked (not that the network was down): remember it now.
   */
  networkWorks() {
    const u = this.unproven;
    if (u === null) return;
    this.unproven = null;
    this.memory.remember(POLLING, u.reason, u.ttl);
  }

  /**
   * A reason came while on `transport` (null: re-attaching).
   * @param {string} reason
   * @param {FallbackSource} source
   * @param {TransportName | null} transport
   */
  heard(reason, source, transport) {
    this.set(reason, source);
    if (transport === POLLING) this.unproven = { reason, ttl: undefined };
  }
}
