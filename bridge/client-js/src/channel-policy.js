// @ts-check
// How a channel (channel.js) is tuned and what it tells its owner: the browser's mirror of
// io.cometbridge.channel.Framing, ChannelPolicy and ChannelEvents.

/** @import { Message } from './message.js' */

/**
 * How a transport carries frames, which decides how a channel acknowledges.
 * STREAM: one frame per message on a lasting connection (WebSocket): acknowledgements ride on text
 * data frames, or go alone once due (tick). BATCH: batches in requests and responses (long-polling):
 * every batch that goes out ends with the acknowledgement owed.
 * @typedef {'stream' | 'batch'} Framing
 */
export const Framing = Object.freeze({ STREAM: /** @type {Framing} */ ('stream'), BATCH: /** @type {Framing} */ ('batch') });

/**
 * The tunables of a channel (io.cometbridge.channel.ChannelPolicy).
 * @typedef {object} ChannelPolicy
 * @property {number} ackDelayMs longest an owed acknowledgement waits for a data frame to ride on (stream)
 * @property {number} ackEvery acknowledge at once after this many unacknowledged messages
 * @property {number} maxInboundBytes largest message accepted from the peer (UTF-16 units / bytes)
 * @property {number} maxQueuedMessages replay buffer bound, in messages
 * @property {number} maxQueuedBytes replay buffer bound, in payload bytes
 */

/** The protocol's defaults: acknowledge within 25 ms or every 32 messages. */
export const DEFAULT_ACK_DELAY_MS = 25;
export const DEFAULT_ACK_EVERY = 32;

/**
 * What a channel tells its owner, synchronously, from inside the call that caused it.
 * @template T
 * @typedef {object} ChannelEvents
 * @property {(message: Message) => void} deliver a message from the peer, exactly once and in order
 * @property {(token: T) => void} acknowledged the peer acknowledged a message queued with this token
 * @property {(ts: number) => void} [pong] the answer to the owner's ping with this timestamp came back
 * @property {() => void} [duplicate] a duplicate of a message already delivered was dropped
 */

/**
 * Throws a RangeError unless every limit of a policy is positive (the delay may be 0).
 * @param {ChannelPolicy} p
 */
export function checkPolicy(p) {
  if (!(p.ackDelayMs >= 0) || !(p.ackEvery >= 1) || !(p.maxInboundBytes >= 1) || !(p.maxQueuedMessages >= 1) || !(p.maxQueuedBytes >= 1)) {
    throw new RangeError('channel limits must be positive');
  }
}
