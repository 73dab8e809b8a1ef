// @ts-check
// How long a client waits before its next attempt after failures in a row, mirroring
// io.cometbridge.channel.Backoff (the rows of bridge/spec/channel-cases.json hold both to it): at
// once after the first failure (a dropped connection usually comes back), then doubling from
// 100 ms up to 5 s. Callers spread the delay by ±25 % so that clients cut off together do not
// return together.

export const FIRST_MILLIS = 100;
export const MAX_MILLIS = 5000;

/**
 * The delay before the next attempt after `failuresInRow` failures (≥ 1), before jitter.
 * @param {number} failuresInRow
 * @returns {number}
 */
export function delayMillis(failuresInRow) {
  if (failuresInRow <= 1) return 0;
  const doublings = Math.min(failuresInRow - 2, 16);
  return Math.min(MAX_MILLIS, FIRST_MILLIS * 2 ** doublings);
}

/**
 * `delay` spread by ±25 %, with `random` in [0, 1).
 * @param {number} delay
 * @param {number} random
 * @returns {number}
 */
export function jittered(delay, random) {
  return Math.round(delay * (0.75 + random * 0.5));
}

/**
 * The jittered delay after `failuresInRow` failures, with Math.random.
 * @param {number} failuresInRow
 */
export function nextDelay(failuresInRow) {
  return jittered(delayMillis(failuresInRow), Math.random());
}
