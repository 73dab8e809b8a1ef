// @ts-check
// The socket's options, their defaults, and the URLs a bridge base URL stands for.

import { POLLING, WEBSOCKET } from './link.js';
import { toBase64 } from './message.js';

/** @import { TransportName } from './link.js' */
/** @import { TransportStorage } from './memory.js' */

/**
 * @typedef {object} BridgeSocketOptions
 * @property {TransportName[]} [transports] Transports in the order to try. Default ['websocket', 'polling'].
 * @property {number} [parallelDelay] Start long-polling beside a WebSocket that has not proven itself after this many ms. Default 1500.
 * @property {number} [trustTimeout] A WebSocket must complete its handshake and probe round trip within this many ms. Default 6000.
 * @property {number} [probeDelay] First background WebSocket probe while on polling (ms); doubles with jitter up to probeMaxDelay. Default 2000.
 * @property {number} [probeMaxDelay] Longest wait between two background probes (ms). Default 300000 (5 min).
 * @property {number} [maxProbes] Failed background probes in a row after which the session stays on polling (each failure costs the page a console error). Default 8.
 * @property {number} [demoteFor] After WebSockets that open but are lost soon (3 in a row, ws-demotion.js), stay on polling this many ms. Default 600000 (10 min).
 * @property {number} [rememberFor] Remember per bridge URL which transport worked, for this many ms; 0 disables. Default one day.
 * @property {number} [maxQueuedMessages] Client replay buffer bound in messages. Default 4096.
 * @property {number} [maxQueuedBytes] Client replay buffer bound in payload bytes. Default 8 MiB.
 * @property {number} [pollSlack] Extra time over the server's poll hold time before a poll request is given up (ms). Default 15000.
 * @property {TransportStorage | null} [storage] Where to remember the transport; default localStorage, null for nowhere.
 * @property {boolean} [resumeOnReload] Keep the session across a reload of the page in this tab (sessionStorage, written on pagehide; within the server's grace period). The page must not close() the socket on pagehide. Default false.
 * @property {boolean | SharedOption} [shared] One session for every tab of this origin (and bridge URL) that asks for it, run by a
 *   SharedWorker (dist/shared-worker.js beside client.js): the tabs are views of it, each gets every message from the server, and
 *   the browser spends the connections of one session, not one per tab. Where there is no SharedWorker (or it fails to start),
 *   this page gets a session of its own and a `shared` event says why. Not with resumeOnReload. Default false.
 * @property {boolean} [debug] Log state changes to the console.
 * @property {AuthOption} [auth] A credential for the server's authentication hook, sent in every attach frame (never in a URL):
 *   a string, or a function (sync or async) called at every attach, so a short-lived token is fresh each time. Default none.
 */

/**
 * The `shared` option's details.
 * @typedef {object} SharedOption
 * @property {string} [name] Tabs share a session only with tabs that give the same name (and bridge URL). Default ''.
 * @property {number} [leaveGrace] When the last tab is gone (closed, reloaded, navigated away), the session lives on this many ms
 *   for a tab that comes back (as long as the browser keeps the worker). Default 5000.
 * @property {string | URL} [script] The worker script's URL. Default shared-worker.js beside the client module.
 */

/**
 * The `auth` option: a token, or a function giving one (null or undefined: none).
 * @typedef {string | null | (() => string | null | undefined | PromiseLike<string | null | undefined>)} AuthOption
 */

/** @typedef {Readonly<Required<Omit<BridgeSocketOptions, 'storage'>>> & { readonly storage: TransportStorage | null | undefined }} ResolvedOptions */

/** @type {Readonly<Required<Omit<BridgeSocketOptions, 'storage' | 'transports'>>> & { readonly transports: readonly TransportName[], readonly storage: undefined }} */
export const DEFAULTS = Object.freeze({
  transports: Object.freeze(/** @type {TransportName[]} */ ([WEBSOCKET, POLLING])),
  parallelDelay: 1500,
  trustTimeout: 6000,
  probeDelay: 2000,
  probeMaxDelay: 300000,
  maxProbes: 8,
  demoteFor: 10 * 60 * 1000,
  rememberFor: 24 * 3600 * 1000,
  maxQueuedMessages: 4096,
  maxQueuedBytes: 8 * 1024 * 1024,
  pollSlack: 15000,
  storage: undefined,
  resumeOnReload: false,
  debug: false,
  auth: null,
  shared: false,
});

/**
 * The defaults overlaid with what the caller gave; throws TypeError for unknown transports.
 * @param {BridgeSocketOptions | undefined} options
 * @returns {ResolvedOptions}
 */
export function resolveOptions(options) {
  const o = { ...DEFAULTS, ...(options || {}) };
  const transports = Array.from(o.transports);
  if (o.auth != null && typeof o.auth !== 'string' && typeof o.auth !== 'function') throw new TypeError('auth must be a string or a function');
  for (const t of transports) {
    if (t !== WEBSOCKET && t !== POLLING) throw new TypeError('unknown transport ' + t);
  }
  if (!transports.length) throw new TypeError('no transports');
  if (o.shared && o.resumeOnReload) throw new TypeError('resumeOnReload does not go with shared: the shared session outlives a reload by itself');
  if (o.shared !== null && typeof o.shared !== 'boolean' && typeof o.shared !== 'object') throw new TypeError('shared must be a boolean or an object');
  return Object.freeze({ ...o, transports });
}

/**
 * Where the bridge is: its base URL (no trailing slash), origin, WebSocket and polling URLs.
 * @typedef {{ url: string, origin: string, ws: (nonce: string) => string, poll: string }} BridgeUrls
 */

/**
 * @param {string | URL | null | undefined} url the bridge's base URL with its prefix; relative URLs
 *   resolve against the page; default: the folder this module was loaded from ({prefix}/client.js)
 * @param {string} moduleUrl import.meta.url of the client
 * @returns {BridgeUrls}
 */
export function bridgeUrls(url, moduleUrl) {
  const base = url === undefined || url === null
    ? new URL('./', moduleUrl)
    : new URL(String(url).replace(/\/?$/, '/'), globalThis.location ? location.href : moduleUrl);
  return {
    url: base.href.replace(/\/$/, ''),
    origin: base.origin,
    ws: (nonce) => {
      const ws = new URL('ws', base);
      ws.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
      ws.searchParams.set('n', nonce);
      return ws.href;
    },
    poll: new URL('poll/', base).href,
  };
}

/** A nonce for the WebSocket URLs (PROTOCOL.md 3.1): 22 characters of A-Z a-z 0-9 _ -, not a secret. */
export function randomNonce() {
  const bytes = new Uint8Array(16);
  if (globalThis.crypto && crypto.getRandomValues) crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
