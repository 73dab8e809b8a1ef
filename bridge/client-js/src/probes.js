// @ts-check
// When to try WebSocket again while the session runs on polling. Every failed attempt costs the
// page a console error the script cannot silence ("WebSocket connection to … failed"), so the
// probes back off far (doubling from `probeDelay` up to `probeMaxDelay`, ±25 % jitter) and stop
// after `maxProbes` failures in a row. A new connect (the session lost its transport) starts over.

import { jittered } from './backoff.js';

export class ProbeSchedule {
  /**
   * @param {number} firstDelay ms before the first probe
   * @param {number} maxDelay the longest wait between two probes, ms
   * @param {number} maxProbes failed probes in a row before probing stops
   */
  constructor(firstDelay, maxDelay, maxProbes) {
    /** @private */ this.firstDelay = firstDelay;
    /** @private */ this.maxDelay = maxDelay;
    /** @private */ this.maxProbes = maxProbes;
    /** Probes that failed since the last success or reset. */
    this.failures = 0;
  }

  /** A probe failed. */
  failed() {
    this.failures++;
  }

  /** WebSocket works again, or a new connect starts: the next probe comes soon. */
  reset() {
    this.failures = 0;
  }

  /** Whether probing has stopped for good (until a reset). */
  exhausted() {
    return this.failures >= this.maxProbes;
  }

  /**
   * The wait before the next probe, or null once exhausted.
   * @param {number} random in [0, 1), for the jitter
   * @returns {number | null}
   */
  nextDelay(random) {
    if (this.exhausted()) return null;
    const base = Math.min(this.maxDelay, this.firstDelay * 2 ** Math.min(this.failures, 30));
    return jittered(base, random);
  }
}
