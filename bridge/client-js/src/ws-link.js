// @ts-check
// One WebSocket (docs/PROTOCOL.md section 3): first a probe round trip, which proves the socket
// passes frames both ways (a proxy may complete the upgrade and then pass nothing); then, if the
// socket picks it, an attach. It moves frames and nothing else.
//
// states: connecting -> probing -> trusted -> attaching -> attached, or dead.

import { SocketCode } from './codes.js';
import { decodeBinaryFrame, decodeFrame, encodeBinaryFrame, encodeFrame } from './codec.js';
import { utf8Length } from './message.js';
import { WEBSOCKET, now } from './link.js';
import { ServerRefusal } from './refusal.js';

/** @import { Frame, AttachFrame } from './codec.js' */
/** @import { LinkOwner } from './link.js' */

/** Stop writing while this much is buffered in the browser (the rest waits in the channel). */
export const MAX_WS_BUFFERED = 1 << 20;
/** WebSocket.readyState OPEN: writing is allowed in this state only (never while CLOSING). */
const SOCKET_OPEN = 1;
/** The close code a browser reports when the connection ended without a close frame (RFC 6455). */
const CONNECTION_LOST = 1006;

/** @typedef {'connecting' | 'probing' | 'trusted' | 'attaching' | 'attached' | 'dead'} WsState */

export class WsLink {
  /**
   * @param {LinkOwner} owner
   * @param {string} url the WebSocket URL, nonce included
   * @param {number} trustTimeout ms for the handshake plus the probe round trip (and for the open after the attach)
   * @param {'connect' | 'probe'} purpose the first try of a (re)connect, or a background probe from polling
   */
  constructor(owner, url, trustTimeout, purpose) {
    /** @readonly @type {'websocket'} */ this.kind = WEBSOCKET;
    /** @readonly */ this.purpose = purpose;
    /** @type {WsState} */
    this.state = 'connecting';
    /** Milliseconds from the start to the probe's echo. */
    this.rtt = 0;
    /** Milliseconds from the start to the completed handshake. */
    this.openedAfter = 0;
    /** @private */ this.owner = owner;
    /** @private */ this.url = url;
    /** @private */ this.trustTimeout = trustTimeout;
    /** @private */ this.opened = false;
    /** @private */ this.startedAt = now();
    /** When a frame last went either way (the silence before a cut is measured from it). */
    this.lastTraffic = this.startedAt;
    /** @private @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    /** @private @type {WebSocket | null} */
    this.ws = null;
  }

  start() {
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      setTimeout(() => this.fail('websocket_unreachable: the browser refused to open a WebSocket (' + why + ')'), 0);
      return;
    }
    this.ws = ws;
    ws.binaryType = 'arraybuffer';
    this.timer = setTimeout(() => {
      const t = this.trustTimeout;
      this.fail(this.opened
        ? 'websocket_silent: the WebSocket upgraded but no frame came back within ' + t + ' ms (something between passes no frames)'
        : 'websocket_timeout: no WebSocket handshake within ' + t + ' ms');
    }, this.trustTimeout);
    ws.onopen = () => {
      if (this.state === 'dead') return;
      this.opened = true;
      this.state = 'probing';
      this.openedAfter = now() - this.startedAt;
      this.write([{ t: 'probe' }]);
      this.owner.upgraded(this);
    };
    ws.onmessage = (ev) => this.onMessage(ev.data);
    ws.onerror = () => { /* onclose follows with the code */ };
    ws.onclose = (ev) => {
      if (this.state === 'dead') return;
      const how = 'the WebSocket closed (code ' + ev.code + (ev.reason ? ', ' + ev.reason : '') + ')';
      // The close code of a documented error whose error frame did not arrive: the code table decides.
      const refusal = this.state === 'attached' || this.state === 'attaching' ? ServerRefusal.ofCloseCode(ev.code, ev.reason) : null;
      if (refusal !== null) {
        this.stop();
        this.owner.refused(this, refusal);
      } else if (this.state === 'attached') {
        this.state = 'dead';
        clearTimeout(this.timer);
        // No close frame (1006): the connection itself went, as when a proxy cuts an idle tunnel.
        if (ev.code === CONNECTION_LOST) this.owner.cut(this, now() - this.lastTraffic);
        this.owner.lost(this, 'websocket_closed: ' + how);
      } else if (!this.opened) {
        this.fail('websocket_unreachable: the WebSocket failed before its handshake completed (close code ' + ev.code
          + '); browsers hide the cause: a forward proxy refusing CONNECT, a firewall, or a proxy dropping the upgrade');
      } else {
        this.fail('websocket_closed: ' + how + ' before the server\'s first frame');
      }
    };
  }

  /**
   * @private
   * @param {unknown} data
   */
  onMessage(data) {
    if (this.state === 'dead') return;
    this.lastTraffic = now();
    /** @type {Frame} */
    let frame;
    try {
      if (typeof data === 'string') {
        this.owner.count(WEBSOCKET, 'wireIn', utf8Length(data));
        frame = decodeFrame(data);
      } else {
        const buf = /** @type {ArrayBuffer} */ (data);
        this.owner.count(WEBSOCKET, 'wireIn', buf.byteLength);
        frame = decodeBinaryFrame(buf);
      }
    } catch (e) {
      this.broken('malformed frame from the server: ' + (e instanceof Error ? e.message : e));
      return;
    }
    this.owner.count(WEBSOCKET, 'frames', 1);
    if (this.state === 'probing') {
      if (frame.t === 'unknown') return; // a newer server's control frame: ignored
      if (frame.t === 'probe') {
        clearTimeout(this.timer);
        this.state = 'trusted';
        this.rtt = now() - this.startedAt;
        this.owner.trusted(this);
      } else {
        this.fail('websocket_garbled: the WebSocket answered the probe with something else');
      }
      return;
    }
    if (frame.t === 'probe') return;
    if (frame.t === 'error') {
      this.stop();
      this.owner.refused(this, ServerRefusal.ofFrame(frame));
      return;
    }
    this.owner.frames(this, [frame]);
  }

  /**
   * Sends the attach; the open frame comes back through the owner's `frames`.
   * @param {AttachFrame} frame
   */
  attach(frame) {
    this.state = 'attaching';
    const t = this.trustTimeout;
    this.timer = setTimeout(() => this.broken('no open frame within ' + t + ' ms of the attach'), t);
    this.write([frame]);
  }

  /** The session is on this socket now. */
  attached() {
    clearTimeout(this.timer);
    this.state = 'attached';
  }

  /** Whether frames may be written now (attached, open, and the browser's buffer not full). */
  canSend() {
    return this.state === 'attached' && this.isOpen() && !this.congested();
  }

  /** Whether writing waits only for the browser's buffer to drain (then the owner looks again soon). */
  congested() {
    return this.isOpen() && /** @type {WebSocket} */ (this.ws).bufferedAmount >= MAX_WS_BUFFERED;
  }

  /** @private Whether the socket is OPEN: never CLOSING (its close event is on the way) or CLOSED. */
  isOpen() {
    return this.ws !== null && this.ws.readyState === SOCKET_OPEN;
  }

  /**
   * Writes frames, one WebSocket message each: binary data frames as binary messages, the rest as
   * JSON text. A socket that is no longer OPEN is never written to: it is broken.
   * @param {Frame[]} frames
   */
  write(frames) {
    for (const f of frames) {
      const ws = this.ws;
      if (this.state === 'dead' || ws === null) return;
      if (ws.readyState !== SOCKET_OPEN) {
        this.broken('the WebSocket is closing');
        return;
      }
      const payload = f.t === 'data' && f.message.bytes !== null ? encodeBinaryFrame(f.seq, f.message.bytes) : encodeFrame(f);
      this.owner.count(WEBSOCKET, 'wireOut', typeof payload === 'string' ? utf8Length(payload) : payload.byteLength);
      this.owner.count(WEBSOCKET, 'frames', 1);
      this.lastTraffic = now();
      try {
        ws.send(payload);
      } catch (e) {
        this.broken('send failed: ' + (e instanceof Error ? e.message : e));
        return;
      }
    }
  }

  /**
   * Failed before it carried the session (an attach in flight counts as carrying it).
   * @private
   * @param {string} reason
   */
  fail(reason) {
    if (this.state === 'dead') return;
    const was = this.state;
    this.stop();
    if (was === 'attaching') this.owner.lost(this, reason);
    else this.owner.failed(this, reason);
  }

  /**
   * Broke while probing, attaching or attached.
   * @private
   * @param {string} reason
   */
  broken(reason) {
    if (this.state === 'dead') return;
    const carrying = this.state === 'attached' || this.state === 'attaching';
    this.stop();
    if (carrying) this.owner.lost(this, 'websocket_broken: ' + reason);
    else this.owner.failed(this, 'websocket_broken: ' + reason);
  }

  /**
   * Ends the link; no event follows.
   * @param {number} [code] the WebSocket close code (default normal closure)
   */
  stop(code) {
    this.state = 'dead';
    clearTimeout(this.timer);
    const ws = this.ws;
    if (ws !== null && ws.readyState <= SOCKET_OPEN) {
      try {
        ws.close(code ?? SocketCode.NORMAL);
      } catch (e) { /* closing anyway */ }
    }
  }
}
