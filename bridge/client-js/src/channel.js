// @ts-check
// The delivery rules of docs/PROTOCOL.md section 2 for one end of a session: the browser's mirror
// of io.cometbridge.channel.Channel, name for name and rule for rule (both run the cases of
// bridge/spec/channel-cases.json). Sans-IO: no timers, no sockets, no clock. The owner feeds it
// the peer's frames (receive), handshakes (resume, takeAck) and the time (tick), and asks it what
// to write (drain, reply). Times are milliseconds on the owner's monotonic clock (performance.now()).

import { BridgeError, ErrorCode } from './codes.js';
import { ReplayBuffer } from './replay-buffer.js';
import { Framing, checkPolicy } from './channel-policy.js';

/** @import { Frame, ControlFrame, CloseFrame, DataFrame } from './codec.js' */
/** @import { ChannelPolicy, ChannelEvents } from './channel-policy.js' */
/** @import { Message } from './message.js' */

/** Frame overhead counted per data frame against a drain's byte budget. */
export const FRAME_OVERHEAD = 16;
/** How many of the latest messages delivered a duplicate is checked against. */
export const DIGESTS = 64;

/** @template T */
export class Channel {
  /**
   * @param {ChannelPolicy} policy
   * @param {ChannelEvents<T>} events
   */
  constructor(policy, events) {
    checkPolicy(policy);
    /** @private */ this.policy = { ...policy };
    /** @private */ this.events = events;
    /** @private @type {ReplayBuffer<T>} */
    this.outbound = new ReplayBuffer(policy.maxQueuedMessages, policy.maxQueuedBytes);
    /** @private @type {ControlFrame[]} at most one ack, ping and pong each; notices; a close */
    this.controls = [];
    /** @private highest peer sequence number delivered */
    this.receivedSeq = 0;
    /** @private highest peer sequence number acknowledged to the peer */
    this.ackSent = 0;
    /** @private when an acknowledgement became owed, or -1 */
    this.ackOwedSince = -1;
    /** @private a close frame is queued: no data goes out any more */
    this.closing = false;
    /** @private @type {number[] | null} digests of the latest DIGESTS messages delivered, by seq (made on the first) */
    this.digests = null;
  }

  // ================================================================ application -> peer

  /**
   * Queues a message for the peer; false when the replay buffer is full (nothing is queued then).
   * @param {Message} message
   * @param {T | null} token handed back through `acknowledged` (null: nobody waits)
   */
  offer(message, token) {
    return !this.closing && this.outbound.offer(message, token);
  }

  /**
   * What a page reload carries over (browser only, reload.js): the peer's messages delivered, the
   * last of ours it acknowledged, and ours it has not.
   * @returns {{ received: number, acked: number, pending: Message[] }}
   */
  snapshot() {
    return { received: this.receivedSeq, acked: this.outbound.lastAcknowledged(), pending: this.outbound.pending() };
  }

  /**
   * A fresh channel takes over a snapshot (browser only, reload.js); the resume that follows the
   * attach sends the pending messages again from where the peer is.
   * @param {{ received: number, acked: number, pending: Message[] }} snap
   */
  restore(snap) {
    this.receivedSeq = this.ackSent = snap.received;
    this.outbound.startAfter(snap.acked);
    for (const m of snap.pending) this.outbound.offer(m, null);
  }

  /** Messages queued and not yet acknowledged by the peer. */
  unacknowledged() {
    return this.outbound.size();
  }

  /** Payload bytes queued and not yet acknowledged by the peer. */
  unacknowledgedBytes() {
    return this.outbound.bytes();
  }

  /** The highest sequence number handed to an outbound message so far. */
  lastAssigned() {
    return this.outbound.lastAssigned();
  }

  /**
   * Fails every message the peer has not acknowledged (the session ended).
   * @param {(token: T) => void} failed
   */
  failAll(failed) {
    this.outbound.failAll(failed);
  }

  // ================================================================ peer -> application

  /**
   * Takes a delivery frame from the peer: data, ack, ping or pong. Returns false for any other
   * frame (open, close, error, notice, ...): those are the owner's. Throws a BridgeError
   * `bad_sequence` for a gap or an ack of something never sent, and `too_large` for a message
   * above the inbound limit; frames before the one that threw took effect.
   * @param {Frame} frame
   * @param {number} now
   */
  receive(frame, now) {
    switch (frame.t) {
      case 'data': this.onData(frame, now); return true;
      case 'ack': this.acknowledge(frame.a); return true;
      // Only the latest ping is answered: a flood cannot grow the queue.
      case 'ping': this.queue({ t: 'pong', ts: frame.ts }); return true;
      case 'pong': this.events.pong?.(frame.ts); return true;
      default: return false;
    }
  }

  /**
   * @private
   * @param {DataFrame} d
   * @param {number} now
   */
  onData(d, now) {
    if (d.ack !== undefined) this.acknowledge(d.ack);
    if (d.seq <= this.receivedSeq) {
      // A resend of something delivered: drop it and acknowledge again, or the peer's replay
      // buffer keeps it (and its sender waits) until the next handshake. It must be the same
      // message, or someone other than the sender wrote under that number.
      if (this.receivedSeq - d.seq < DIGESTS && this.digests !== null && this.digests[d.seq % DIGESTS] !== d.message.digest()) {
        throw new BridgeError(ErrorCode.BAD_SEQUENCE, 'a different message under a sequence number already delivered');
      }
      this.events.duplicate?.();
      this.ackSent = Math.min(this.ackSent, d.seq - 1);
      this.owe(now);
      return;
    }
    if (d.seq !== this.receivedSeq + 1) {
      throw new BridgeError(ErrorCode.BAD_SEQUENCE, 'expected message ' + (this.receivedSeq + 1) + ', got ' + d.seq);
    }
    if (d.message.size() > this.policy.maxInboundBytes) {
      throw new BridgeError(ErrorCode.TOO_LARGE, 'message larger than ' + this.policy.maxInboundBytes);
    }
    this.receivedSeq = d.seq;
    if (this.digests === null) this.digests = new Array(DIGESTS).fill(0);
    this.digests[d.seq % DIGESTS] = d.message.digest();
    this.owe(now);
    this.events.deliver(d.message);
  }

  /**
   * @private
   * @param {number} ack
   */
  acknowledge(ack) {
    if (ack > this.outbound.lastAssigned()) {
      throw new BridgeError(ErrorCode.BAD_SEQUENCE, 'acknowledgement of a message never sent');
    }
    this.outbound.acknowledge(ack, (token) => this.events.acknowledged(token));
  }

  /**
   * @private
   * @param {number} now
   */
  owe(now) {
    if (this.ackOwedSince < 0 && this.receivedSeq > this.ackSent) this.ackOwedSince = now;
  }

  /** The highest peer sequence number delivered (what an ack would say). */
  received() {
    return this.receivedSeq;
  }

  // ================================================================ handshakes

  /**
   * The peer has everything up to `peerLast` and nothing after it (an attach's `last`, an open's
   * `ack`, a polling receive's ack): acknowledge up to there and send the rest again, from
   * {@link resendFrom}. A resume point above what was sent is impossible (`bad_sequence`); one
   * below what the peer already acknowledged is stale (its request was overtaken by a later
   * acknowledgement on another connection) and counts as that acknowledgement: those messages are
   * gone, and the peer learns where sending resumes from the open frame's `next`.
   * @param {number} peerLast
   */
  resume(peerLast) {
    this.acknowledge(peerLast);
    this.outbound.rewindTo(Math.max(peerLast, this.outbound.lastAcknowledged()));
  }

  /**
   * The session moved to a new transport: control frames queued for the old one (acks, pings,
   * pongs, notices) are dropped, since the handshake carries the acknowledgement and heartbeats
   * start over. A close frame stays.
   */
  discardControls() {
    this.controls = this.controls.filter((f) => f.t === 'close');
  }

  /** The sequence number sending resumes from after {@link resume}: the first message not acknowledged. */
  resendFrom() {
    return this.outbound.lastAcknowledged() + 1;
  }

  /**
   * What went out on the current transport may not have arrived (a batch whose request failed):
   * send every message the peer has not acknowledged again. The peer drops what it already has.
   */
  rewind() {
    this.outbound.rewindTo(this.outbound.lastAcknowledged());
  }

  /**
   * The acknowledgement a frame of the owner's carries (an attach's `last`, an open's `ack`, a
   * polling receive's ack): everything received counts as acknowledged from now.
   */
  takeAck() {
    this.ackSent = this.receivedSeq;
    this.ackOwedSince = -1;
    this.controls = this.controls.filter((f) => f.t !== 'ack');
    return this.receivedSeq;
  }

  /**
   * Adopts the acknowledgement policy the peer announced (the open frame's ackMs/ackEvery).
   * @param {number} delayMs
   * @param {number} every
   */
  useAckPolicy(delayMs, every) {
    const policy = { ...this.policy, ackDelayMs: delayMs, ackEvery: every };
    checkPolicy(policy);
    this.policy = policy;
  }

  // ================================================================ channel -> peer

  /**
   * Queues a control frame for the next drain. An ack, ping or pong replaces a waiting one of its
   * kind, so the queue stays small however a peer behaves. Nothing but the close frame is queued
   * once closing.
   * @param {ControlFrame} control
   */
  queue(control) {
    if (/** @type {Frame} */ (control).t === 'data' || control.t === 'close') {
      throw new TypeError('data and close frames have their own paths');
    }
    if (this.closing) return;
    if (control.t === 'ack' || control.t === 'ping' || control.t === 'pong') {
      this.controls = this.controls.filter((c) => c.t !== control.t);
    }
    this.controls.push(control);
  }

  /**
   * Ends the channel with a close frame: it replaces every waiting control frame, no data goes
   * out after it, and it stays queued (across transports) until a drain takes it.
   * @param {CloseFrame} close
   */
  close(close) {
    this.closing = true;
    this.controls = [close];
  }

  /** Whether a close frame still waits for the wire. */
  closePending() {
    return this.closing && this.controls.length > 0;
  }

  /** Whether anything waits for the wire: control frames or messages not yet sent on this transport. */
  hasOutput() {
    return this.controls.length > 0 || (!this.closing && this.outbound.hasUnsent());
  }

  /**
   * Queues the acknowledgement owed on a streaming transport once it is due: after `ackEvery`
   * messages, or `ackDelayMs` after the first unacknowledged one. Returns {@link ackDue} afterwards,
   * so the owner knows when to call again.
   * @param {number} now
   */
  tick(now) {
    if (this.ackOwedSince >= 0 && (this.receivedSeq - this.ackSent >= this.policy.ackEvery || now >= this.ackDue())) {
      this.queue({ t: 'ack', a: this.takeAck() });
    }
    return this.ackDue();
  }

  /** When the owed acknowledgement is due (Infinity when none is owed). */
  ackDue() {
    if (this.ackOwedSince < 0) return Infinity;
    return this.receivedSeq - this.ackSent >= this.policy.ackEvery ? this.ackOwedSince : this.ackOwedSince + this.policy.ackDelayMs;
  }

  /** Whether an acknowledgement is owed to the peer (queued or not). */
  ackOwed() {
    return this.ackOwedSince >= 0;
  }

  /**
   * The frames to write now, within a budget: every waiting control frame first, then messages
   * not yet sent, while they fit `maxBytes` (each message's encoded size, Message.wireSize, plus
   * FRAME_OVERHEAD) and `maxFrames`. A message alone always goes, even above the budget (the
   * limits are sized so that any accepted message fits a request). STREAM: an owed
   * acknowledgement rides on the first text data frame. BATCH: an owed acknowledgement ends the
   * batch as an ack frame.
   * @param {Framing} framing
   * @param {number} maxBytes
   * @param {number} maxFrames
   * @returns {Frame[]}
   */
  drain(framing, maxBytes, maxFrames) {
    /** @type {Frame[]} */
    const out = [];
    while (this.controls.length > 0 && out.length < maxFrames) out.push(/** @type {ControlFrame} */ (this.controls.shift()));
    if (!this.closing) {
      let budget = maxBytes;
      const reserve = framing === Framing.BATCH && this.ackOwedSince >= 0 ? 1 : 0;
      let any = false;
      while (this.outbound.hasUnsent() && out.length + reserve < maxFrames) {
        const cost = this.outbound.peekUnsent().message.wireSize() + FRAME_OVERHEAD;
        if (any && cost > budget) break;
        const e = this.outbound.nextUnsent();
        /** @type {DataFrame} */
        const frame = { t: 'data', seq: e.seq, message: e.message };
        if (framing === Framing.STREAM && this.ackOwedSince >= 0 && !e.message.isBinary()) frame.ack = this.takeAck();
        out.push(frame);
        budget -= cost;
        any = true;
      }
    }
    if (framing === Framing.BATCH && this.ackOwedSince >= 0 && out.length < maxFrames) out.push({ t: 'ack', a: this.takeAck() });
    return out;
  }

  /**
   * The answer to a batch the peer sent over a request/response transport (a polling send): a
   * waiting pong, then the acknowledgement of everything received. (The server's side; a client
   * never answers requests, but the rules are one.)
   * @returns {Frame[]}
   */
  reply() {
    /** @type {Frame[]} */
    const out = this.controls.filter((c) => c.t === 'pong');
    this.controls = this.controls.filter((c) => c.t !== 'pong');
    out.push({ t: 'ack', a: this.takeAck() });
    return out;
  }

  toString() {
    return 'Channel[received ' + this.receivedSeq + ', ack sent ' + this.ackSent + ', sent up to ' + this.outbound.lastAssigned()
      + ', unacknowledged ' + this.outbound.size() + ', controls ' + this.controls.length + (this.closing ? ', closing' : '') + ']';
  }
}

