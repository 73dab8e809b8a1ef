// @ts-check
// HTTP long-polling (docs/PROTOCOL.md section 4): an attach, then one held receive after another.
// Messages go out in a receive too (an exchange), one batch at a time: it replaces the held receive,
// and its answer brings the acknowledgement and what the server's application queued meanwhile (an
// echo), so a round trip costs one request; the receive loop waits while an exchange is out, since
// that exchange is the receive. Every request after the attach names the session and proves it with the
// resume key of the open frame that answered this link's attach (X-Bridge-Session, X-Bridge-Key).
// An answer that is not the bridge's and a network error are the same request again (a failed send:
// the owner sends everything unacknowledged again); the bridge's errors go to the owner, whose code
// table decides. It moves frames and nothing else.

import { decodeBatch, encodeBatch, encodeFrame } from './codec.js';
import { utf8Length } from './message.js';
import { nextDelay } from './backoff.js';
import { POLLING, now, sleep } from './link.js';
import { ServerRefusal } from './refusal.js';

/** @import { Frame, AttachFrame } from './codec.js' */
/** @import { LinkOwner } from './link.js' */

/**
 * The answer to one request: `frames` for a 200, otherwise the `refusal`; null for a network error,
 * a timeout or a 200 that is not a batch (someone else's answer).
 * @typedef {{ status: 200, frames: Frame[] } | { status: number, refusal: ServerRefusal }} Answer
 */

/** Give up on an attach or send request after this long. */
const REQUEST_TIMEOUT = 15000;
/** Network errors or answers that are not the bridge's, in a row, before the link counts as lost. */
const MAX_FAILURES = 8;

export class PollLink {
  /**
   * @param {LinkOwner} owner
   * @param {string} pollUrl the polling endpoints' base URL, ending in "/"
   * @param {() => number} pollTimeout how long a receive may be held before it is given up, ms
   * @param {() => number | null} [earlyEnd] when set, the client ends a held receive itself after
   *   this long and polls again (a learned idle cut shorter than the server's hold, idle-cuts.js)
   */
  constructor(owner, pollUrl, pollTimeout, earlyEnd = () => null) {
    /** @readonly @type {'polling'} */ this.kind = POLLING;
    /** @type {'attaching' | 'attached' | 'dead'} */
    this.state = 'attaching';
    /** Whether an exchange is in flight (one at a time keeps the messages in order). */
    this.sending = false;
    /** @private @type {Promise<void> | null} settles when the exchange in flight has been handled */
    this.exchange = null;
    /** @private */ this.owner = owner;
    /** @private */ this.pollUrl = pollUrl;
    /** @private */ this.pollTimeout = pollTimeout;
    /** @private */ this.earlyEnd = earlyEnd;
    /** @private @type {string | null} the session, from the open frame that answered this link's attach */
    this.sid = null;
    /** @private @type {string | null} this link's resume key, from the same open frame */
    this.key = null;
    /** @private sends that failed in a row */
    this.sendFailures = 0;
    /** @private @type {Set<AbortController>} */
    this.controllers = new Set();
  }

  /**
   * Attaches (the same request again through network errors and transient answers); the open frame
   * goes to the owner's `frames`, a refusal to its `refused`.
   * @param {AttachFrame} frame
   */
  async start(frame) {
    const body = encodeFrame(frame);
    for (let failures = 0; !this.isDead();) {
      const r = await this.post('attach', body, REQUEST_TIMEOUT);
      if (this.isDead()) return;
      if (r !== null && 'frames' in r) {
        for (const f of r.frames) {
          if (f.t !== 'open') continue;
          this.sid = f.sid;
          this.key = f.key ?? null;
        }
        this.owner.frames(this, r.frames);
        if (this.state !== 'attached') this.stop(); // not taken: the socket closed or moved on meanwhile
        return;
      }
      if (r !== null && !r.refusal.isTransient()) {
        this.stop();
        this.owner.refused(this, r.refusal);
        return;
      }
      failures++;
      const delay = nextDelay(failures);
      this.owner.log('polling attach failed (' + describe(r) + '), retrying in ' + delay + ' ms');
      await sleep(delay);
    }
  }

  /** The session is on this link now: start receiving. */
  attached() {
    this.state = 'attached';
    void this.receiveLoop();
  }

  /** @private */
  async receiveLoop() {
    let failures = 0;
    while (this.state === 'attached') {
      if (this.sending && this.exchange !== null) { // that exchange is the receive for now
        await this.exchange;
        continue;
      }
      const body = '[{"t":"ack","a":' + this.owner.pollAck() + '}]';
      const early = this.earlyEnd(), timeout = early ?? this.pollTimeout(), started = now();
      const r = await this.post('recv', body, timeout);
      if (this.state !== 'attached') {
        if (r !== null && 'frames' in r && r.frames.length) this.owner.frames(this, r.frames); // data in flight is idempotent
        return;
      }
      const held = now() - started;
      // Ended by the client after the learned hold: the server answers the next receive (a newer
      // receive replaces a held one, and its ack repairs an answer lost with this one).
      if (r === null && early !== null && held >= early) continue;
      if (r === null || notTheBridges(r)) {
        // Cut before the client's own timeout: maybe a proxy's idle timeout (idle-cuts.js decides).
        if (held < timeout) this.owner.cut(this, held);
        // A proxy's idle cut (502/504), its page, or a network error: poll again, backing off.
        if (++failures > MAX_FAILURES) {
          this.lose('polling_failed: ' + describe(r) + ' on ' + failures + ' polls in a row');
          return;
        }
        await sleep(nextDelay(failures));
        continue;
      }
      failures = 0;
      if ('frames' in r) {
        this.owner.frames(this, r.frames); // even none: an answer proves the network works
      } else {
        this.stop();
        this.owner.refused(this, r.refusal);
        return;
      }
    }
  }

  /** Whether a batch may be sent now. */
  canSend() {
    return this.state === 'attached' && !this.sending;
  }

  /**
   * Sends one batch in an exchange (a receive that carries it, ending with the acknowledgement
   * taken now); the answer (the server's ack, maybe a pong, and what its application queued
   * meanwhile) goes to the owner's `frames`, then `writable`. A batch that may not have arrived (a
   * network error, an answer that is not the bridge's) goes to `sendFailed` after a backoff delay:
   * the owner sends everything the server has not acknowledged again.
   * @param {Frame[]} frames
   */
  async write(frames) {
    this.sending = true;
    /** @type {() => void} */
    let settle = () => {};
    this.exchange = new Promise((resolve) => { settle = resolve; });
    try {
      await this.exchangeOnce(frames);
    } finally {
      settle();
    }
  }

  /**
   * @private
   * @param {Frame[]} frames
   */
  async exchangeOnce(frames) {
    const batch = frames.filter((f) => !isAck(f));
    batch.push({ t: 'ack', a: this.owner.pollAck() });
    const r = await this.post('recv', encodeBatch(batch), REQUEST_TIMEOUT);
    if (!this.isDead() && (r === null || notTheBridges(r))) {
      if (++this.sendFailures > MAX_FAILURES) {
        this.sending = false;
        this.lose('polling_failed: ' + describe(r) + ' on ' + this.sendFailures + ' sends in a row');
        return;
      }
      await sleep(nextDelay(this.sendFailures));
      this.sending = false;
      if (!this.isDead()) this.owner.sendFailed(this);
      return;
    }
    // Done: no longer sending before the owner hears of it, since the owner may start the next
    // send from inside these calls.
    this.sending = false;
    if (this.isDead() || r === null) return;
    this.sendFailures = 0;
    if ('frames' in r) {
      if (r.frames.length) this.owner.frames(this, r.frames);
      this.owner.writable(this);
    } else {
      this.stop();
      this.owner.refused(this, r.refusal);
    }
  }

  /**
   * One send request, not retried, whatever the answer (the close frame, on the way out).
   * @param {Frame[]} frames
   * @param {number} timeout
   */
  async sendOnce(frames, timeout) {
    await this.post('send', encodeBatch(frames), timeout);
  }

  /**
   * One POST.
   * @private
   * @param {'attach' | 'recv' | 'send'} endpoint
   * @param {string} body
   * @param {number} timeout
   * @returns {Promise<Answer | null>}
   */
  async post(endpoint, body, timeout) {
    const controller = new AbortController();
    this.controllers.add(controller);
    const timer = setTimeout(() => controller.abort(), timeout);
    /** @type {Record<string, string>} */
    const headers = { 'Content-Type': 'application/json' };
    if (endpoint !== 'attach' && this.sid !== null) headers['X-Bridge-Session'] = this.sid;
    if (endpoint !== 'attach' && this.key !== null) headers['X-Bridge-Key'] = this.key;
    this.owner.count(POLLING, 'requests', 1);
    this.owner.count(POLLING, 'wireOut', utf8Length(body));
    try {
      const res = await fetch(this.pollUrl + endpoint, {
        method: 'POST', headers, body, cache: 'no-store', credentials: 'same-origin', signal: controller.signal,
      });
      const text = await res.text();
      this.owner.count(POLLING, 'wireIn', utf8Length(text));
      if (res.status === 200) return { status: 200, frames: decodeBatch(text) };
      return { status: res.status, refusal: ServerRefusal.ofHttp(res.status, text) };
    } catch (e) {
      return null; // network error, timeout, or a 200 that is not a batch (someone else's answer)
    } finally {
      clearTimeout(timer);
      this.controllers.delete(controller);
    }
  }

  /**
   * Gone: stop and tell the owner.
   * @private
   * @param {string} reason
   */
  lose(reason) {
    if (this.state === 'dead') return;
    this.stop();
    this.owner.lost(this, reason);
  }

  /** Whether the link has ended (a method, so that checks after an await are not narrowed away). */
  isDead() {
    return this.state === 'dead';
  }

  /**
   * Ends the link; no event follows. A held receive is answered by the server when the session
   * moves, so it is left to finish (aborting is for a closed socket, see abort).
   */
  stop() {
    this.state = 'dead';
  }

  /** Ends the link and every request in flight (the socket closed: nobody will answer them). */
  abort() {
    this.stop();
    for (const c of this.controllers) c.abort();
  }
}

/**
 * Whether an answer is not the bridge's (a bare status: a proxy's page). A receive or send is then
 * simply made again, as after a network error (PROTOCOL.md section 5: after an attach the session
 * has opened, so even a bare 4xx is a proxy's blip).
 * @param {Answer} r
 */
function notTheBridges(r) {
  return 'refusal' in r && r.refusal.code === null;
}

/**
 * @param {Frame} f
 * @returns {boolean}
 */
function isAck(f) {
  return !Array.isArray(f) && f.t === 'ack';
}

/** @param {Answer | null} r */
function describe(r) {
  return r === null ? 'network error' : 'HTTP ' + r.status;
}
