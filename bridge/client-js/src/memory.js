// @ts-check
// What worked for a bridge URL, remembered in localStorage (or the `storage` option) with an
// expiry, so that the next page load starts on it: a page behind a proxy that breaks WebSocket
// starts on polling at once instead of waiting for the WebSocket to fail again.

/** @import { TransportName } from './link.js' */
/** @typedef {Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>} TransportStorage */

/**
 * One remembered outcome: the transport that carried the session, why it was not WebSocket, and
 * when (epoch ms).
 * @typedef {{ transport: TransportName, reason: string | null, at: number, until: number }} Remembered
 */

export class TransportMemory {
  /**
   * @param {TransportStorage | null | undefined} storage null: remember nothing; undefined: localStorage
   * @param {string} key
   * @param {number} rememberFor ms; 0 remembers nothing
   */
  constructor(storage, key, rememberFor) {
    /** @private */ this.storage = storage === undefined ? defaultStorage() : storage;
    /** @private */ this.key = key;
    /** @private */ this.rememberFor = rememberFor;
  }

  /** @returns {Remembered | null} what was remembered and has not expired */
  recall() {
    const s = this.storage;
    if (!s || !this.rememberFor) return null;
    try {
      const m = JSON.parse(s.getItem(this.key) || 'null');
      if (!m || typeof m.until !== 'number' || (m.transport !== 'websocket' && m.transport !== 'polling')) return null;
      if (m.until < Date.now()) {
        s.removeItem(this.key);
        return null;
      }
      return m;
    } catch (e) {
      return null;
    }
  }

  /**
   * @param {TransportName} transport
   * @param {string | null} reason
   * @param {number} [ttl] ms; default rememberFor
   */
  remember(transport, reason, ttl = this.rememberFor) {
    const s = this.storage;
    if (!s || !this.rememberFor) return;
    const at = Date.now();
    /** @type {Remembered} */
    const m = { transport, reason, at, until: at + Math.min(ttl, this.rememberFor) };
    try {
      s.setItem(this.key, JSON.stringify(m));
    } catch (e) { /* full or disabled */ }
  }
}

/** localStorage where the page may use it. @returns {TransportStorage | null} */
export function defaultStorage() {
  try {
    return globalThis.localStorage || null;
  } catch (e) {
    return null; // storage disabled (a sandboxed frame, privacy settings)
  }
}
