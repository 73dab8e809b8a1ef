// @ts-check
// Which link carries the session, for session.js:
//
//  * WebSocket first (order configurable). A WebSocket counts only once its probe's echo came back
//    (ws-link.js); if it has not after `parallelDelay`, long-polling starts beside it. Only one
//    attach that creates a session is ever in flight: when polling got there first, the WebSocket
//    becomes an upgrade of the same session.
//  * On polling, background probes (probes.js: far apart, and only so many) move the session up.
//    A move is an attach naming the last message received; both sides resend the rest and drop
//    duplicates (the channel's resume and receive).
//  * A link that breaks is dropped and the session re-attaches, after backoff.js's delay when
//    attaches keep failing. An attach that resumes presents the latest open frame's resume key.
//  * What the server refuses, the code table decides (refusal.js): retry (re-attach), a new
//    session, or give up.

import { ClientAction, ErrorCode } from './codes.js';
import { nextDelay } from './backoff.js';
import { WsLink } from './ws-link.js';
import { PollLink } from './poll-link.js';
import { POLLING, WEBSOCKET, now } from './link.js';
import { ProbeSchedule } from './probes.js';
import { TransportChangeEvent } from './events.js';
import { CLOSED } from './ready-state.js';
import { USEFUL_MS } from './ws-demotion.js';

/** @import { AttachFrame } from './codec.js' */
/** @import { Link } from './link.js' */
/** @import { ServerRefusal } from './refusal.js' */
/** @import { Session } from './session.js' */

/** The least a WebSocket that upgraded gets for its probe's echo before polling starts beside it (ms). */
export const UPGRADED_SLACK_MS = 250;

export class Connector {
  /** @type {Link | null} a link attaching (to a new session, or as a move) */ pend = null;
  /** @type {WsLink | null} a WebSocket not attached yet (a connect or a probe) */ ws = null;
  /** @private attaches that failed in a row */ failures = 0;

  /** @param {Session} session */
  constructor(session) {
    /** @private */ this.s = session;
    /** @private */ this.probes = new ProbeSchedule(session.options.probeDelay, session.options.probeMaxDelay, session.options.maxProbes);
  }

  /** (Re)connects: WebSocket first with polling after parallelDelay, or polling first. */
  establish() {
    if (this.s.readyState === CLOSED) return;
    this.probes.reset();
    const cohort = this.s.pollingCohort && this.s.options.transports.includes(POLLING); // the server refuses it WebSocket
    const order = cohort ? [POLLING] : this.s.fallback.order(this.s.options.transports, this.s.demotion.remaining() > 0);
    this.s.say('establish: ' + order.join(' > ') + (this.s.sid ? ' (resume)' : ' (new session)'));
    if (order[0] === POLLING) {
      this.startPolling();
      return;
    }
    this.startWs('connect');
    if (!order.includes(POLLING)) return;
    this.s.timers.set('parallel', this.s.options.parallelDelay, () => {
      if (this.s.cur || this.pend || !this.ws) return;
      this.s.say('no trusted WebSocket after ' + this.s.options.parallelDelay + ' ms: polling in parallel');
      this.startPolling();
    });
  }

  /**
   * @private
   * @param {'connect' | 'probe'} purpose
   */
  startWs(purpose) {
    if (this.ws) return;
    const link = new WsLink(this.s.links, this.s.urls.ws(this.s.nonce), this.s.options.trustTimeout, purpose);
    this.ws = link;
    this.s.say('websocket ' + purpose + ' attempt');
    link.start();
  }

  /** @private */
  startPolling() {
    if (this.pend && this.pend.kind === POLLING) return;
    this.s.timers.clear('parallel');
    const link = new PollLink(this.s.links, this.s.urls.poll, () => this.s.settings.poll + this.s.options.pollSlack,
      () => this.s.idle.pollHold(this.s.settings.poll));
    this.pend = link;
    const frame = this.attachFrame();
    if (this.s.options.transports.includes(WEBSOCKET)) frame.ws = this.s.nonce; // for the server's notice (PROTOCOL.md 3.1)
    this.s.say('polling attach');
    this.withAuth(link, frame, (f) => void link.start(f));
  }

  /**
   * @private
   * @param {WsLink} link
   */
  attachOver(link) {
    this.ws = null;
    this.pend = link;
    this.s.say('websocket trusted after ' + Math.round(link.rtt) + ' ms: attaching' + (this.s.sid ? ' (switch)' : ''));
    this.withAuth(link, this.attachFrame(), (f) => link.attach(f));
  }

  /**
   * Puts the `auth` option's token in an attach frame (asked anew at every attach: a value, or a
   * function's result, sync or async), then hands the frame to `go`: at once unless the function
   * returned a promise. `go` is skipped when `link` is no longer the one attaching by then; a
   * function that throws or rejects fails the attach like a network error (it is retried).
   * @private
   * @param {Link} link
   * @param {AttachFrame} frame
   * @param {(frame: AttachFrame) => void} go
   */
  withAuth(link, frame, go) {
    const auth = this.s.options.auth;
    /** @param {unknown} token */
    const put = (token) => {
      if (token !== undefined && token !== null) frame.auth = String(token);
      go(frame);
    };
    /** @param {unknown} e */
    const failed = (e) => this.onLost(link, 'the auth option failed: ' + (e instanceof Error ? e.message : String(e)), false);
    let token;
    try {
      token = typeof auth === 'function' ? auth() : auth;
    } catch (e) {
      queueMicrotask(() => failed(e)); // after the caller has made `link` the one attaching
      return;
    }
    if (token !== null && typeof token === 'object' && typeof (/** @type {any} */ (token)).then === 'function') {
      /** @type {PromiseLike<unknown>} */ (token).then((t) => { if (this.pend === link) put(t); }, (e) => { if (this.pend === link) failed(e); });
    } else {
      put(token);
    }
  }

  /**
   * An attach naming everything received as acknowledged: a new session's has no `sid` and no
   * `key`; one that resumes presents the latest open frame's resume key (PROTOCOL.md 2.1).
   * @private
   * @returns {AttachFrame}
   */
  attachFrame() {
    const last = this.s.channel.takeAck();
    if (this.s.sid === null) return { t: 'attach', last };
    return this.s.key === null ? { t: 'attach', sid: this.s.sid, last } : { t: 'attach', sid: this.s.sid, key: this.s.key, last };
  }

  /**
   * A WebSocket completed its handshake: its probe's echo should take about as long again. A
   * socket that upgraded but then passes nothing (a proxy that blackholes frames after the
   * upgrade) is found out after twice the handshake time (at least UPGRADED_SLACK_MS), not after
   * the whole parallelDelay: polling starts beside it then. A direct connection echoes long before.
   * @param {WsLink} link
   */
  onUpgraded(link) {
    if (link !== this.ws || link.purpose !== 'connect' || this.s.cur || this.pend || !this.s.timers.has('parallel')) return;
    const wait = Math.max(UPGRADED_SLACK_MS, Math.round(2 * link.openedAfter));
    if (link.openedAfter + wait >= this.s.options.parallelDelay) return;
    this.s.timers.set('parallel', wait, () => {
      if (this.s.cur || this.pend || this.ws !== link || link.state !== 'probing') return;
      this.s.say('websocket upgraded after ' + Math.round(link.openedAfter) + ' ms but no probe echo ' + wait + ' ms later: polling in parallel');
      this.startPolling();
    });
  }

  /**
   * A WebSocket completed its probe round trip.
   * @param {WsLink} link
   */
  onTrusted(link) {
    if (link !== this.ws || this.s.readyState === CLOSED) {
      link.stop();
    } else if (this.pend) {
      this.s.say('websocket trusted; waiting for the polling attach to finish'); // then onOpen moves up
    } else {
      this.s.timers.clear('parallel');
      this.attachOver(link);
    }
  }

  /**
   * A WebSocket failed before it carried the session.
   * @param {WsLink} link
   * @param {string} reason
   */
  onWsFailed(link, reason) {
    if (link !== this.ws) return;
    this.ws = null;
    this.s.say('websocket ' + link.purpose + ' failed: ' + reason);
    if (this.s.readyState === CLOSED) return;
    const polling = this.s.options.transports.includes(POLLING);
    if (polling) this.s.fallback.guess(reason, this.s.transport);
    if (this.s.cur || this.pend) {
      this.probes.failed();
      this.scheduleProbe();
    } else if (polling) {
      this.startPolling();
    } else {
      this.reconnectLater();
    }
  }

  /** @private */
  scheduleProbe() {
    if (!this.s.options.transports.includes(WEBSOCKET) || this.ws || this.s.timers.has('probe') || this.s.readyState === CLOSED) return;
    if (this.s.pollingCohort) return; // the polling A/B cohort never probes (PROTOCOL.md 10.3)
    const next = this.probes.nextDelay(Math.random());
    const delay = next === null ? null : Math.max(next, this.s.demotion.remaining()); // a demoted WebSocket waits it out
    if (delay === null) {
      this.s.say('no more websocket probes after ' + this.probes.failures + ' failures in a row: staying on polling');
      return;
    }
    this.s.say('next websocket probe in ' + delay + ' ms');
    this.s.timers.set('probe', delay, () => {
      if (this.s.cur && this.s.cur.kind === POLLING && !this.pend && !this.ws) this.startWs('probe');
    });
  }

  /**
   * The link carrying (or attaching) the session is gone.
   * @param {Link} link
   * @param {string} reason
   * @param {boolean} [guess] whether the reason says why WebSocket does not work
   */
  onLost(link, reason, guess = true) {
    if (this.s.readyState === CLOSED) return;
    if (link === this.pend) {
      this.pend = null;
      link.stop();
      this.s.say(link.kind + ' attach failed: ' + reason);
      if (!this.s.cur) {
        this.reconnectLater();
      } else if (link.kind === WEBSOCKET) {
        this.probes.failed();
        if (guess) this.s.fallback.guess(reason, this.s.transport);
        this.scheduleProbe();
      }
    } else if (link === this.s.cur) {
      this.s.cur = null;
      this.s.heartbeat = null;
      link.stop();
      this.s.say(link.kind + ' lost: ' + reason);
      const previous = this.s.transport;
      this.s.transport = null;
      this.s.host.emit(new TransportChangeEvent(null, previous));
      if (link.kind === WEBSOCKET && guess) this.s.fallback.set(reason, 'client');
      if (link.kind === WEBSOCKET && !this.s.pollingCohort && this.s.demotion.lost(now(), this.s.cutLink === link)) {
        const mins = Math.round(this.s.options.demoteFor / 60000);
        this.s.fallback.demote('websocket_useless: WebSockets opened and were lost within ' + USEFUL_MS / 1000
          + ' s again and again (last: ' + reason + '); polling for ' + mins + ' min', this.s.options.demoteFor);
      }
      if (!this.pend) this.reconnectLater(); // else the move in flight takes over
    }
  }

  /**
   * The server is draining (PROTOCOL.md section 12): attach the session again at once, through the
   * load balancer, without counting a failure.
   * @param {Link} link
   * @param {string} reason
   */
  moveAway(link, reason) {
    if (link !== this.s.cur) return;
    this.failures = 0;
    this.onLost(link, 'the server asked to move: ' + reason, false);
  }

  /** Re-attaches (or connects anew) after the backoff delay of the attaches failed in a row. */
  reconnectLater() {
    const delay = nextDelay(++this.failures);
    if (delay > 0) this.s.say('re-attaching in ' + delay + ' ms');
    this.s.timers.set('reconnect', delay, () => {
      if (this.s.cur || this.pend || this.s.readyState === CLOSED) return;
      this.ws?.stop();
      this.ws = null;
      this.establish();
    });
  }

  /**
   * The server (or something in front of it) refused a request of `link` or closed its socket
   * with an error: retry (this link is done; re-attach), start a new session, or give up, as the
   * code table says (PROTOCOL.md section 5). A bare HTTP status before a session ever opened means
   * a wrong URL or setup.
   * @param {Link} link
   * @param {ServerRefusal} refusal
   */
  onRefused(link, refusal) {
    if (this.s.readyState === CLOSED) return;
    if (refusal.code === ErrorCode.POLLING_COHORT) this.s.pollingCohort = true; // stay on polling, not a failure
    if (link === this.ws) {
      this.onWsFailed(link, refusal.toString()); // a WebSocket not carrying the session yet
      return;
    }
    if (link !== this.s.cur && link !== this.pend) return;
    this.s.say('refused on ' + link.kind + ': ' + refusal);
    const action = refusal.action(this.s.everOpened);
    if (action === ClientAction.NEW_SESSION) {
      this.s.sessionLost(refusal.toString());
    } else if (action === ClientAction.GIVE_UP) {
      // The server's words as they are (an origin refusal names the origin seen and the one expected).
      this.s.host.emit(new Event('error'));
      this.s.finish(refusal.closeCode(), refusal.message, false);
    } else {
      this.onLost(link, refusal.toString(), false);
    }
  }

  /**
   * The server took an attach over `link`: the move is done; polling keeps looking up.
   * @param {Link} link
   */
  moved(link) {
    this.pend = null;
    this.failures = 0;
    this.s.timers.clear('parallel');
    if (link.kind === WEBSOCKET) {
      this.s.timers.clear('probe');
      this.probes.reset();
    } else if (this.s.pollingCohort) {
      this.ws?.stop(); // a WebSocket started before the open frame told the cohort
      this.ws = null;
    } else if (this.ws && this.ws.state === 'trusted') {
      this.attachOver(this.ws);
    } else if (!this.ws) {
      this.scheduleProbe();
    }
  }

  /** Whether a WebSocket attempt is still waiting for its handshake or its probe's echo. */
  wsPending() {
    return this.ws !== null && (this.ws.state === 'connecting' || this.ws.state === 'probing');
  }

  /**
   * Ends every link not carrying the session.
   * @param {boolean} abort whether requests in flight are abandoned too (the socket closed)
   */
  stopAll(abort) {
    for (const l of [this.pend, this.ws]) {
      if (l instanceof PollLink && abort) l.abort();
      else l?.stop();
    }
    this.pend = this.ws = null;
  }
}
