// @ts-check
// WebSockets that open but are useless: a TLS-inspecting proxy or an antivirus may let the
// handshake and the probe through and then cut or garble the socket soon after, again and again.
// Each such socket costs the session a re-attach. A WebSocket that carried the session for less
// than USEFUL_MS and was then lost (not by a learned idle cut, idle-cuts.js) or broke with a
// protocol error is "useless"; after MAX_USELESS of them in a row the session is demoted to
// polling for `demoteFor` ms (remembered for that long, so the next page starts on polling), and
// background probes wait for the demotion to end before testing WebSocket again. Once a demotion
// ended, one more useless socket demotes again. A WebSocket that lasts USEFUL_MS clears the count.

/** A WebSocket that carried the session at least this long was useful (ms). */
export const USEFUL_MS = 10000;
/** Useless WebSockets in a row before the session stays on polling. */
export const MAX_USELESS = 3;

export class WsDemotion {
  /** Useless WebSockets in a row. */
  useless = 0;
  /** @private epoch ms until which WebSocket is not tried (0: not demoted) */
  until = 0;
  /** @private whether a demotion happened on this page (then one more useless socket is enough) */
  demotedBefore = false;
  /** @private @type {number | null} when the WebSocket carrying the session attached (monotonic ms) */
  attachedAt = null;

  /** @param {number} demoteFor ms */
  constructor(demoteFor) {
    /** @private */ this.demoteFor = demoteFor;
  }

  /**
   * A WebSocket now carries the session.
   * @param {number} now monotonic ms
   */
  attached(now) {
    this.attachedAt = now;
  }

  /**
   * The WebSocket carrying the session was lost.
   * @param {number} now monotonic ms
   * @param {boolean} excused an idle cut the client learned from: not the socket's fault
   * @returns {boolean} whether WebSocket is demoted now
   */
  lost(now, excused) {
    const lived = this.attachedAt === null ? 0 : now - this.attachedAt;
    this.attachedAt = null;
    if (lived >= USEFUL_MS) {
      this.useless = 0;
      return false;
    }
    if (excused) return false;
    this.useless++;
    if (this.useless < (this.demotedBefore ? 1 : MAX_USELESS)) return false;
    this.until = Date.now() + this.demoteFor;
    this.demotedBefore = true;
    this.useless = 0;
    return true;
  }

  /** Milliseconds until WebSocket may be tried again; 0 when it may now. */
  remaining() {
    return Math.max(0, this.until - Date.now());
  }
}
