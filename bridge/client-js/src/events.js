// @ts-check
// The events a BridgeSocket dispatches, beyond a plain Event for 'open' and 'error'.

/** @import { TransportName } from './link.js' */
/** @typedef {'server' | 'client' | 'memory'} FallbackSource */

/** A message from the server. */
export class BridgeMessageEvent extends Event {
  /**
   * @param {string | ArrayBuffer | Blob} data
   * @param {string} origin
   */
  constructor(data, origin) {
    super('message');
    /** @readonly A string for a text message; an ArrayBuffer (or Blob, per binaryType) for a binary one. */
    this.data = data;
    /** @readonly */
    this.origin = origin;
  }
}

/** The session ended. */
export class BridgeCloseEvent extends Event {
  /**
   * @param {number} code
   * @param {string} reason
   * @param {boolean} wasClean
   */
  constructor(code, reason, wasClean) {
    super('close');
    /** @readonly */ this.code = code;
    /** @readonly */ this.reason = reason;
    /** @readonly */ this.wasClean = wasClean;
  }
}

/** The session moved to another transport, or lost its transport and is re-attaching. */
export class TransportChangeEvent extends Event {
  /**
   * @param {TransportName | null} transport
   * @param {TransportName | null} previous
   */
  constructor(transport, previous) {
    super('transportchange');
    /** @readonly The transport carrying the session now; null while it re-attaches. */
    this.transport = transport;
    /** @readonly */
    this.previous = previous;
  }
}

/** Why the session is not on WebSocket changed. */
export class FallbackEvent extends Event {
  /**
   * @param {string | null} reason
   * @param {FallbackSource | null} source
   */
  constructor(reason, source) {
    super('fallback');
    /** @readonly Why the session is not on WebSocket; null once it is (again). */
    this.reason = reason;
    /** @readonly 'server' (the server saw the damaged upgrade), 'client' (the browser's own view) or 'memory'. */
    this.source = source;
  }
}

/** The server forgot the session; a new one starts. */
export class SessionLostEvent extends Event {
  /**
   * @param {string} reason
   * @param {number} lost
   */
  constructor(reason, lost) {
    super('sessionlost');
    /** @readonly */
    this.reason = reason;
    /** @readonly Messages sent but never acknowledged by the lost session: they were not delivered. */
    this.lost = lost;
  }
}

/** A connection was cut after a silence (a proxy's idle timeout), or the keepalive learned from it held. */
export class IdleCutEvent extends Event {
  /**
   * @param {TransportName} transport
   * @param {number} silentMs
   * @param {number} cutAfterMs
   * @param {number} keepaliveMs
   * @param {boolean} confirmed
   * @param {number} cuts
   */
  constructor(transport, silentMs, cutAfterMs, keepaliveMs, confirmed, cuts) {
    super('idlecut');
    /** @readonly The transport whose connection was cut. */
    this.transport = transport;
    /** @readonly How long the connection had been silent when it was cut (ms). */
    this.silentMs = silentMs;
    /** @readonly The shortest silence seen cut for this bridge, remembered (ms). */
    this.cutAfterMs = cutAfterMs;
    /** @readonly How often the client now pings a WebSocket and ends a held poll (ms). */
    this.keepaliveMs = keepaliveMs;
    /** @readonly false when a cut was seen; true once no cut came for three times cutAfterMs. */
    this.confirmed = confirmed;
    /** @readonly Cuts this page has seen. */
    this.cuts = cuts;
  }
}

/** Shared mode (the `shared` option): whether this tab joined the origin's shared session, or why not. */
export class SharedEvent extends Event {
  /**
   * @param {boolean} shared
   * @param {string | null} reason
   */
  constructor(shared, reason) {
    super('shared');
    /** @readonly true: a SharedWorker carries the session for this and other tabs; false: this page has its own. */
    this.shared = shared;
    /** @readonly Why not shared (no SharedWorker in this browser, or it failed to start); null when shared. */
    this.reason = reason;
  }
}

/**
 * @typedef {object} BridgeSocketEventMap
 * @property {Event} open
 * @property {BridgeMessageEvent} message
 * @property {BridgeCloseEvent} close
 * @property {Event} error
 * @property {TransportChangeEvent} transportchange
 * @property {FallbackEvent} fallback
 * @property {SessionLostEvent} sessionlost
 * @property {IdleCutEvent} idlecut
 * @property {SharedEvent} shared
 */

/**
 * A DOMException where there is one (what a WebSocket throws).
 * @param {string} message
 * @param {string} name
 * @returns {Error}
 */
export function domError(message, name) {
  return typeof DOMException === 'function' ? new DOMException(message, name) : Object.assign(new Error(message), { name });
}

/**
 * Reports an exception thrown by an application's handler without stopping the socket.
 * @param {unknown} e
 */
export function reportHandlerError(e) {
  if (typeof reportError === 'function') reportError(e);
  else setTimeout(() => { throw e; }, 0);
}
