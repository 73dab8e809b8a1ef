// @ts-check
// HTTP long-polling (docs/PROTOCOL.md section 4): an attach, then one held receive after another,
// and sends one at a time, each retried with the same frames until it arrives (the server drops
// duplicates). It moves frames and nothing else.

import { ErrorCode } from './codes.js';
import { decodeBatch, encodeBatch, encodeFrame } from './codec.js';
import { utf8Length } from './message.js';
import { nextDelay } from './backoff.js';
import { POLLING, sleep } from './link.js';

/** @import { Frame, AttachFrame } from './codec.js' */
/** @import { LinkOwner } from './link.js' */

/**
 * The answer to one request: `frames` for a 200, `error` (a documented name, or null for someone
 * else's page) and `message` otherwise; null for a network error or a garbled answer.
 * @typedef {{ status: number, frames: Frame[], error: string | null, message: string } | null} Reply
 */

/** Give up on an attach or send request after this long. */
const REQUEST_TIMEOUT = 15000;
/** Network errors or proxy failures in a row before the link counts as lost. */
const MAX_FAILURES = 8;

export class PollLink {
  /**
   * @param {LinkOwner} owner
   * @param {string} pollUrl the polling endpoints' base URL, ending in "/"
   * @param {() => number} pollTimeout how long a receive may be held before it is given up, ms
   */
  constructor(owner, pollUrl, pollTimeout) {
    /** @readonly @type {'polling'} */ this.kind = POLLING;
    /** @type {'attaching' | 'attached' | 'dead'} */
    this.state = 'attaching';
    /** Whether a send request is in flight (one at a time keeps the messages in order). */
    this.sending = false;
    /** @private */ this.owner = owner;
    /** @private */ this.pollUrl = pollUrl;
    /** @private */ this.pollTimeout = pollTimeout;
    /** @private @type {Set<AbortController>} */
    this.controllers = new Set();
  }

  /**
   * Attaches (retrying through proxy trouble); the open frame goes to the owner's `frames`.
   * @param {AttachFrame} frame
   */
  async start(frame) {
    const body = encodeFrame(frame);
    for (let failures = 0; !this.isDead();) {
      const r = await this.post('attach', body, REQUEST_TIMEOUT);
      if (this.isDead()) return;
      if (r !== null && r.status === 200) {
        this.owner.frames(this, r.frames);
        if (this.state !== 'attached') this.stop(); // not taken: the socket closed or moved on meanwhile
        return;
      }
      if (r !== null && !isProxyTrouble(r)) {
        this.stop();
        this.owner.error(this, r.error, r.message);
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
      const body = '[{"t":"ack","a":' + this.owner.pollAck() + '}]';
      const r = await this.post('recv', body, this.pollTimeout());
      if (this.state !== 'attached') {
        if (r !== null && r.status === 200 && r.frames.length) this.owner.frames(this, r.frames); // data in flight is idempotent
        return;
      }
      if (r === null || isProxyTrouble(r)) {
        // A proxy's idle cut (502/504) or a network error: poll again, backing off.
        if (++failures > MAX_FAILURES) {
          this.lose('polling_failed: ' + describe(r) + ' on ' + failures + ' polls in a row');
          return;
        }
        await sleep(nextDelay(failures));
        continue;
      }
      failures = 0;
      if (r.status === 200) {
        if (r.frames.length) this.owner.frames(this, r.frames);
      } else if (r.error === ErrorCode.POLL_CONFLICT.name) {
        return; // a newer receive of ours holds the line
      } else if (r.error === ErrorCode.TRANSPORT_REPLACED.name) {
        this.lose('polling replaced');
        return;
      } else {
        this.stop();
        this.owner.error(this, r.error, r.message);
        return;
      }
    }
  }

  /** Whether a batch may be sent now. */
  canSend() {
    return this.state === 'attached' && !this.sending;
  }

  /**
   * Sends one batch, retried with the same frames through network errors and proxy trouble; the
   * server's answer (its ack, maybe a pong) goes to the owner's `frames`, then `writable`.
   * @param {Frame[]} frames
   */
  async write(frames) {
    const body = encodeBatch(frames);
    this.sending = true;
    for (let failures = 0; !this.isDead();) {
      const r = await this.post('send', body, REQUEST_TIMEOUT);
      if (this.isDead()) break;
      if (r === null || (isProxyTrouble(r) && r.error !== ErrorCode.TRANSPORT_REPLACED.name)) {
        if (++failures <= MAX_FAILURES) {
          await sleep(nextDelay(failures));
          continue;
        }
      }
      // Done, one way or the other: no longer sending before the owner hears of it, since the
      // owner may start the next send from inside these calls.
      this.sending = false;
      if (r !== null && r.status === 200) {
        this.owner.frames(this, r.frames);
        this.owner.writable(this);
      } else if (r === null || isProxyTrouble(r)) {
        this.lose('polling_failed: ' + describe(r) + ' on ' + failures + ' sends in a row');
      } else if (r.error === ErrorCode.TRANSPORT_REPLACED.name) {
        this.lose('polling replaced');
      } else {
        this.stop();
        this.owner.error(this, r.error, r.message);
      }
      return;
    }
    this.sending = false;
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
   * @returns {Promise<Reply>}
   */
  async post(endpoint, body, timeout) {
    const controller = new AbortController();
    this.controllers.add(controller);
    const timer = setTimeout(() => controller.abort(), timeout);
    /** @type {Record<string, string>} */
    const headers = { 'Content-Type': 'application/json' };
    const sid = this.owner.sessionId();
    if (sid !== null) headers['X-Bridge-Session'] = sid;
    this.owner.count(POLLING, 'requests', 1);
    this.owner.count(POLLING, 'wireOut', utf8Length(body));
    try {
      const res = await fetch(this.pollUrl + endpoint, {
        method: 'POST', headers, body, cache: 'no-store', credentials: 'same-origin', signal: controller.signal,
      });
      const text = await res.text();
      this.owner.count(POLLING, 'wireIn', utf8Length(text));
      if (res.status === 200) return { status: 200, frames: decodeBatch(text), error: null, message: '' };
      let error = null, message = 'HTTP ' + res.status;
      try {
        const j = JSON.parse(text);
        if (typeof j.error === 'string') error = j.error;
        if (typeof j.message === 'string') message = j.message;
      } catch (e) { /* a proxy's page, not the bridge's JSON */ }
      return { status: res.status, frames: [], error, message };
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
 * An answer from something between (a proxy's idle cut, a gateway error) rather than the bridge.
 * @param {NonNullable<Reply>} r
 */
function isProxyTrouble(r) {
  return r.status === 502 || r.status === 504 || (r.status === 503 && r.error !== ErrorCode.SERVER_FULL.name)
    || (r.status >= 500 && r.error === null);
}

/** @param {Reply} r */
function describe(r) {
  return r === null ? 'network error' : 'HTTP ' + r.status;
}
