// @ts-check
// What a transport link (ws-link.js, poll-link.js) and the socket that owns it say to each other.
// A link only moves frames: sequencing, acknowledgements and replay are the channel's, and which
// link carries the session is the socket's.

/** @typedef {'websocket' | 'polling'} TransportName */

export const WEBSOCKET = 'websocket';
export const POLLING = 'polling';

/** @import { Frame } from './codec.js' */
/** @import { WsLink } from './ws-link.js' */
/** @import { PollLink } from './poll-link.js' */
/** @import { ServerRefusal } from './refusal.js' */
/** @typedef {WsLink | PollLink} Link */

/**
 * @typedef {'messagesIn' | 'messagesOut' | 'bytesIn' | 'bytesOut' | 'wireIn' | 'wireOut' | 'requests' | 'frames'} Counter
 */

/**
 * The socket's side of its links. Every call names the link, so the socket can tell the one
 * carrying the session from one attaching, probing or already replaced.
 * @typedef {object} LinkOwner
 * @property {(link: Link, frames: Frame[]) => void} frames frames from the server, in order
 * @property {(link: WsLink) => void} upgraded a WebSocket's handshake completed (its probe is on the way)
 * @property {(link: WsLink) => void} trusted a WebSocket completed its probe round trip
 * @property {(link: WsLink, reason: string) => void} failed a WebSocket failed before it carried the session
 * @property {(link: Link, reason: string) => void} lost a link attaching or carrying the session is gone
 * @property {(link: Link, silentMs: number) => void} cut the connection of a link was lost after this long without traffic (before `lost`)
 * @property {(link: Link, refusal: ServerRefusal) => void} refused the server (or something in front of it) refused a request or the socket: the code table decides
 * @property {(link: PollLink) => void} writable a polling send finished: more may go
 * @property {(link: PollLink) => void} sendFailed a polling send failed (network, or an answer that is not the bridge's): its batch may not have arrived
 * @property {(kind: TransportName, counter: Counter, n: number) => void} count statistics
 * @property {(line: string) => void} log diagnostics
 * @property {() => number} pollAck the acknowledgement a polling receive carries (the channel's takeAck)
 */

/** Resolves after `ms` milliseconds. @param {number} ms */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** performance.now() where there is one: a monotonic clock in milliseconds. */
export function now() {
  return globalThis.performance ? performance.now() : Date.now();
}
