// @ts-check
// Frames out, for session.js: what the channel has goes to the link carrying the session, within
// the server's limits (a polling batch fits its request limit and frame count, PROTOCOL.md section
// 8); on a WebSocket the owed acknowledgement waits for its timer. A polling batch that may not
// have arrived is sent again from the first unacknowledged message. And the close: over a
// WebSocket after everything not yet written, over polling after what is in flight.

import { Framing } from './channel-policy.js';
import { WEBSOCKET, now } from './link.js';
import { count } from './stats.js';
import { CLOSED, CLOSING } from './ready-state.js';

/** @import { Frame } from './codec.js' */
/** @import { Link } from './link.js' */
/** @import { PollLink } from './poll-link.js' */
/** @import { Session } from './session.js' */

/** A polling batch stays this far below the server's request limit (brackets, the ack frame). */
export const BATCH_SLACK_BYTES = 256;
/** What one drain puts on a WebSocket before the browser's buffer is looked at again. */
const MAX_STREAM_BYTES = 1 << 20, MAX_STREAM_FRAMES = 1000;
/** How long close() over polling waits for the messages already sent to be acknowledged. */
const CLOSE_DRAIN_MS = 2000;

export class Writer {
  /** @param {Session} session */
  constructor(session) {
    /** @private */ this.s = session;
  }

  /** Writes what the channel has for the link carrying the session; on a WebSocket, keeps the ack timer. */
  pump() {
    const s = this.s;
    const stream = s.cur !== null && s.cur.kind === WEBSOCKET;
    if (stream) s.channel.tick(now());
    this.flush();
    if (stream && s.channel.ackOwed()) s.timers.set('ack', Math.max(0, s.channel.ackDue() - now()), () => this.pump());
    else s.timers.clear('ack');
  }

  /**
   * The frames of one write: a polling batch within the server's limits (maxRequest less some slack,
   * maxFrames), or what a WebSocket takes at once.
   * @private
   * @param {Link} link
   * @returns {Frame[]}
   */
  drain(link) {
    const { channel, settings } = this.s;
    if (link.kind === WEBSOCKET) return channel.drain(Framing.STREAM, MAX_STREAM_BYTES, MAX_STREAM_FRAMES);
    // A polling batch goes in an exchange that ends with an acknowledgement: leave it a frame.
    return channel.drain(Framing.BATCH, Math.max(1, settings.maxRequest - BATCH_SLACK_BYTES), Math.max(1, settings.maxFrames - 1));
  }

  /** @private */
  flush() {
    const s = this.s;
    const link = s.cur;
    if (!link || s.readyState === CLOSED || !s.channel.hasOutput()) return;
    if (!link.canSend()) {
      // A WebSocket whose buffer is full: look again shortly. A polling send in flight calls back
      // when done, and a closing WebSocket's close event is on its way.
      if (link.kind === WEBSOCKET && link.congested()) s.timers.set('drain', 50, () => this.pump());
      return;
    }
    const frames = this.drain(link);
    for (const f of frames) {
      if (f.t !== 'data') continue;
      count(s.stats, link.kind, 'messagesOut', 1);
      count(s.stats, link.kind, 'bytesOut', f.message.size());
    }
    void link.write(frames);
    if (link.kind === WEBSOCKET && s.channel.hasOutput()) s.timers.set('drain', 0, () => this.pump());
  }

  /**
   * A polling send failed at the network level or with an answer that is not the bridge's: its
   * batch may not have arrived, so everything the server has not acknowledged goes again (the
   * server drops what it already has).
   * @param {PollLink} link
   */
  sendFailed(link) {
    const s = this.s;
    if (link !== s.cur || s.readyState === CLOSED) return;
    s.say('polling send failed: sending everything unacknowledged again');
    s.channel.rewind();
    this.pump();
  }

  /**
   * Ends the session with a close frame after what is already on the way.
   * @param {number} code
   * @param {string} reason
   */
  close(code, reason) {
    const s = this.s;
    const link = s.cur;
    if (!link) {
      s.finish(code, reason, true);
      return;
    }
    s.readyState = CLOSING;
    /** @type {Frame} */
    const frame = { t: 'close', code, reason };
    if (link.kind === WEBSOCKET) {
      // Every message not yet written goes first, on the same socket, then the close frame.
      link.write(s.channel.drain(Framing.STREAM, Infinity, Infinity));
      s.channel.close(frame);
      link.write(s.channel.drain(Framing.STREAM, Infinity, Infinity));
      s.finish(code, reason, true);
      return;
    }
    // Polling: messages already sent go first (one send request at a time), for up to 2 s.
    this.pump();
    const deadline = now() + CLOSE_DRAIN_MS;
    const sendClose = () => {
      if (s.readyState === CLOSED) return;
      if ((s.channel.unacknowledged() > 0 || link.sending) && now() < deadline && s.cur === link) {
        s.timers.set('close', 25, sendClose);
        return;
      }
      s.channel.close(frame);
      link.sendOnce(this.drain(link), CLOSE_DRAIN_MS).finally(() => s.finish(code, reason, true));
    };
    sendClose();
  }
}
