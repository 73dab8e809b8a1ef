// @ts-check
// The server, or something in front of it, answered with an error: a documented one (`code` set,
// from a JSON error body, an error frame or a WebSocket close code) or a bare HTTP status (a
// proxy's page, a wrong URL). `action` says what the client does about it, as the code table says
// (docs/PROTOCOL.md section 5). Mirrors the Java client's ServerRefusal.

import { ClientAction, SocketCode, errorNamed, errorOfCloseCode } from './codes.js';

/** @import { ErrorCodeEntry } from './codes.js' */
/** @import { ErrorFrame } from './codec.js' */

/** How much of a body that is not the bridge's a message quotes. */
const QUOTED = 120;

export class ServerRefusal {
  /**
   * @param {number} status the HTTP status (0 on a WebSocket: an error frame or a close code)
   * @param {ErrorCodeEntry | null} code the documented error, or null when the answer was not the bridge's
   * @param {string} message the server's words (for a bare status: the status and the start of the body)
   */
  constructor(status, code, message) {
    /** @readonly */ this.status = status;
    /** @readonly */ this.code = code;
    /** @readonly */ this.message = message;
  }

  /**
   * An HTTP answer other than 200: the bridge's JSON error body, or anything else.
   * @param {number} status
   * @param {string} body
   */
  static ofHttp(status, body) {
    try {
      const j = JSON.parse(body);
      const code = j !== null && typeof j.error === 'string' ? errorNamed(j.error) : null;
      if (code !== null) return new ServerRefusal(status, code, typeof j.message === 'string' && j.message ? j.message : 'HTTP ' + status);
    } catch (e) { /* not the bridge's JSON: a proxy's page */ }
    const text = body.replace(/\s+/g, ' ').trim();
    return new ServerRefusal(status, null, 'HTTP ' + status + (text ? ': ' + (text.length > QUOTED ? text.slice(0, QUOTED) + '...' : text) : ''));
  }

  /**
   * An error frame on a WebSocket (an error this version does not know keeps its name in the message).
   * @param {ErrorFrame} frame
   */
  static ofFrame(frame) {
    const code = errorNamed(frame.error);
    if (code !== null) return new ServerRefusal(0, code, frame.message || 'an error frame without a message');
    return new ServerRefusal(0, null, frame.error + (frame.message ? ': ' + frame.message : ''));
  }

  /**
   * A WebSocket closed with the close code of a documented error (its error frame did not arrive);
   * null for any other code.
   * @param {number} closeCode
   * @param {string} reason
   * @returns {ServerRefusal | null}
   */
  static ofCloseCode(closeCode, reason) {
    const code = errorOfCloseCode(closeCode);
    return code === null ? null : new ServerRefusal(0, code, reason || 'the WebSocket closed with ' + closeCode);
  }

  /**
   * Whether this is a bare status that proxies and overloaded servers give for a moment (408, 425,
   * 429, 5xx): the same request is simply made again.
   */
  isTransient() {
    const s = this.status;
    return this.code === null && (s === 408 || s === 425 || s === 429 || s >= 500);
  }

  /**
   * What to do: the code table's word for a documented error. A bare status: transient ones are
   * retried; any other means the URL or the setup is wrong before a session ever opened (give up),
   * and is retried like a transient one once one has (a proxy's blip must not end a working session).
   * @param {boolean} sessionEverOpened
   * @returns {ClientAction}
   */
  action(sessionEverOpened) {
    if (this.code !== null) return this.code.client;
    if (this.status === 0) return ClientAction.RETRY; // an error frame this version does not know
    return this.isTransient() || sessionEverOpened ? ClientAction.RETRY : ClientAction.GIVE_UP;
  }

  /** The WebSocket-style close code a client reports when it gives up for this reason. */
  closeCode() {
    if (this.code !== null && this.code.ws !== 0) return this.code.ws;
    return SocketCode.APPLICATION_MIN + Math.min(999, Math.max(0, this.status)); // e.g. 4421 for HTTP 421
  }

  toString() {
    return this.code !== null ? this.code.name + ': ' + this.message : this.message;
  }
}
