// @ts-check
// When a lasting connection counts as dead (docs/PROTOCOL.md section 3, rule 5), mirroring
// io.cometbridge.channel.Heartbeat: silent for twice the heartbeat interval, plus a slack for the
// side that does not ping (the client allows for the server's timer and the network). Sans-IO:
// the owner reports what it heard and asks at its own pace. Times in milliseconds.

/** The slack a client allows beyond twice the server's interval before it gives up on a socket. */
export const CLIENT_SLACK_MS = 1000;

export class Heartbeat {
  /**
   * @param {number} intervalMs the peer's ping interval (the open frame's `hb`)
   * @param {number} slackMs
   * @param {number} now
   */
  constructor(intervalMs, slackMs, now) {
    /** @readonly */ this.intervalMs = intervalMs;
    /** @readonly */ this.slackMs = slackMs;
    /** @private */ this.lastHeardAt = now;
  }

  /**
   * Anything arrived from the peer.
   * @param {number} now
   */
  heard(now) {
    this.lastHeardAt = now;
  }

  /**
   * Whether the peer has been silent too long: the connection is dead.
   * @param {number} now
   */
  isDead(now) {
    return now - this.lastHeardAt > 2 * this.intervalMs + this.slackMs;
  }

  lastHeard() {
    return this.lastHeardAt;
  }
}
