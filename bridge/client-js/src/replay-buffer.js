// @ts-check
// One direction's outbound queue, mirroring io.cometbridge.channel.ReplayBuffer: every message not
// yet acknowledged, with its sequence number, bounded in count and bytes. A cursor marks the next
// message to put on the wire; re-attaching moves it back to the first message the peer lacks.

/** @import { Message } from './message.js' */

/**
 * A queued message and its completion token (null when nobody waits for it).
 * @template T
 * @typedef {{ seq: number, message: Message, token: T | null }} Entry
 */

/** @template T */
export class ReplayBuffer {
  /**
   * @param {number} maxMessages
   * @param {number} maxBytes
   */
  constructor(maxMessages, maxBytes) {
    /** @private */ this.maxMessages = maxMessages;
    /** @private */ this.maxBytes = maxBytes;
    /** @private @type {Entry<T>[]} oldest unacknowledged first, from index `head` on */
    this.entries = [];
    /** @private */ this.head = 0;
    /** @private */ this.byteCount = 0;
    /** @private sequence number of the next message offered */
    this.nextSeq = 1;
    /** @private sequence number of the next message to send */
    this.cursor = 1;
  }

  /**
   * Queues a message; false when the bound would be exceeded (nothing is queued then).
   * One message always fits an empty buffer, whatever its size.
   * @param {Message} message
   * @param {T | null} token
   */
  offer(message, token) {
    const size = message.size();
    if (this.size() === this.maxMessages || (this.size() > 0 && this.byteCount + size > this.maxBytes)) return false;
    this.entries.push({ seq: this.nextSeq++, message, token });
    this.byteCount += size;
    return true;
  }

  /**
   * Releases every message up to `seq`, handing each non-null token to `acked`.
   * @param {number} seq
   * @param {(token: T) => void} acked
   */
  acknowledge(seq, acked) {
    while (this.head < this.entries.length && this.entries[this.head].seq <= seq) {
      const e = this.entries[this.head++];
      this.byteCount -= e.message.size();
      if (e.token !== null) acked(e.token);
    }
    if (this.cursor <= seq) this.cursor = seq + 1;
    // Compact once the released prefix dominates, so the array does not grow with the session.
    if (this.head > 32 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  /**
   * The peer has everything up to `last` and nothing after: send again from there.
   * @param {number} last
   */
  rewindTo(last) {
    this.cursor = Math.max(last + 1, this.firstSeq());
  }

  hasUnsent() {
    return this.cursor < this.nextSeq;
  }

  /** The next message to send; advances the cursor. Call only when {@link hasUnsent}. */
  nextUnsent() {
    const e = this.peekUnsent();
    this.cursor++;
    return e;
  }

  /** Peeks at the next message to send without advancing. */
  peekUnsent() {
    return this.entries[this.head + (this.cursor - this.firstSeq())];
  }

  /** @private */
  firstSeq() {
    return this.nextSeq - this.size();
  }

  /** The highest sequence number handed out so far (0 before the first message). */
  lastAssigned() {
    return this.nextSeq - 1;
  }

  /** The highest sequence number the peer has acknowledged. */
  lastAcknowledged() {
    return this.firstSeq() - 1;
  }

  size() {
    return this.entries.length - this.head;
  }

  bytes() {
    return this.byteCount;
  }

  /** The messages not yet acknowledged, oldest first (browser only: what a page reload carries over). */
  pending() {
    return this.entries.slice(this.head).map((e) => e.message);
  }

  /**
   * An empty buffer numbers on from `lastAcknowledged` + 1 (browser only: a session resumed after
   * a page reload).
   * @param {number} lastAcknowledged
   */
  startAfter(lastAcknowledged) {
    if (this.size() > 0 || this.nextSeq !== 1) throw new Error('startAfter needs a fresh buffer');
    this.nextSeq = this.cursor = lastAcknowledged + 1;
  }

  /**
   * Empties the buffer, handing every non-null token to `failed`. Nothing is sent after this.
   * @param {(token: T) => void} failed
   */
  failAll(failed) {
    const left = this.entries.slice(this.head);
    this.entries = [];
    this.head = 0;
    this.byteCount = 0;
    this.cursor = this.nextSeq;
    for (const e of left) if (e.token !== null) failed(e.token);
  }
}
