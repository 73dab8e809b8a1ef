// @ts-check
// The socket's counters and its diagnostic log.

/** @import { TransportName, Counter } from './link.js' */

/**
 * @typedef {object} TransportStats
 * @property {number} messagesIn
 * @property {number} messagesOut
 * @property {number} bytesIn Payload bytes (UTF-16 units for text, as the server counts them).
 * @property {number} bytesOut
 * @property {number} wireIn Bytes of frames or HTTP bodies as the page sees them (without HTTP headers).
 * @property {number} wireOut
 * @property {number} requests HTTP requests (polling).
 * @property {number} frames WebSocket messages both ways.
 */

/**
 * @typedef {TransportStats & { duplicates: number, transportChanges: number, idleCuts: number,
 *   byTransport: { websocket: TransportStats, polling: TransportStats } }} BridgeStats
 */

/** @returns {TransportStats} */
function counters() {
  return { messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0, wireIn: 0, wireOut: 0, requests: 0, frames: 0 };
}

/** @returns {BridgeStats} */
export function newStats() {
  return { ...counters(), duplicates: 0, transportChanges: 0, idleCuts: 0, byTransport: { websocket: counters(), polling: counters() } };
}

/** Counters of the wire that also add up in the totals (messages and payload bytes are totalled by the socket). */
const TOTALLED = new Set(['wireIn', 'wireOut', 'requests', 'frames']);

/**
 * @param {BridgeStats} stats
 * @param {TransportName} kind
 * @param {Counter} counter
 * @param {number} n
 */
export function count(stats, kind, counter, n) {
  stats.byTransport[kind][counter] += n;
  if (TOTALLED.has(counter)) stats[counter] += n;
}

/** The last state changes, for diagnostics (and the console when debugging). */
export class DiagnosticLog {
  /**
   * @param {number} size lines kept
   * @param {boolean} toConsole
   */
  constructor(size, toConsole) {
    /** @type {string[]} */
    this.lines = [];
    /** @private */ this.size = size;
    /** @private */ this.toConsole = toConsole;
  }

  /**
   * @param {number} time ms
   * @param {string} what
   */
  add(time, what) {
    this.lines.push(Math.round(time) + ' ' + what);
    if (this.lines.length > this.size) this.lines.shift();
    if (this.toConsole) console.log('[cometbridge] ' + what);
  }
}
