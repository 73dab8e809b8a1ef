// @ts-check
// Frames on the wire (docs/PROTOCOL.md section 1): parsing with the shapes checked, encoding, and
// WebSocket binary data frames. Mirrors io.cometbridge.protocol (Frame, FrameCodec, FrameReader read
// tolerantly, as a client reads): anything off the documented shapes is a `malformed` BridgeError,
// but a control frame of a type this version does not know (a newer server's) is an UnknownFrame.

import { BridgeError, ErrorCode, SocketCode } from './codes.js';
import { Message, fromBase64 } from './message.js';

/**
 * A data frame; `ack` is a piggybacked acknowledgement, when there is one.
 * @typedef {{ t: 'data', seq: number, message: Message, ack?: number }} DataFrame
 */
/**
 * Attach this transport to session `sid` (none: a new session) with its resume key `key` (the
 * latest open frame's), having received up to `last`; `ws` is the WebSocket nonce (PROTOCOL.md 3.1).
 * @typedef {{ t: 'attach', sid?: string, key?: string, last: number, ws?: string, auth?: string }} AttachFrame
 */
/**
 * The server's settings a client follows, from every open frame (PROTOCOL.md 1.2): heartbeat
 * interval, poll hold time, grace period and acknowledgement delay in ms, acknowledge after
 * `ackEvery` messages, the largest message (UTF-16 units of text, bytes of binary), the largest
 * polling request body (bytes) and the most frames in one.
 * @typedef {{ hb: number, poll: number, grace: number, ackMs: number, ackEvery: number,
 *   maxMessage: number, maxRequest: number, maxFrames: number }} Settings
 */
/**
 * The server's answer to an attach: the session's new resume key, the highest client message the
 * server has (`ack`), the first server message it sends now (`next`; 0: unknown), and its settings
 * (a missing one reads as its default).
 * @typedef {{ t: 'open', sid: string, key?: string, ack: number, next: number, resumed: boolean, cohort?: string } & Settings} OpenFrame
 */
/** @typedef {{ t: 'ack', a: number }} AckFrame */
/** @typedef {{ t: 'ping', ts: number }} PingFrame */
/** @typedef {{ t: 'pong', ts: number }} PongFrame */
/** @typedef {{ t: 'probe' }} ProbeFrame */
/** @typedef {{ t: 'close', code: number, reason: string }} CloseFrame */
/** @typedef {{ t: 'error', error: string, message: string }} ErrorFrame */
/** @typedef {{ t: 'notice', kind: string, reason: string }} NoticeFrame */
/** A control frame of a type this version does not know (`type`): a client ignores it. @typedef {{ t: 'unknown', type: string }} UnknownFrame */
/**
 * Every frame the protocol knows, and the unknown ones.
 * @typedef {DataFrame | AttachFrame | OpenFrame | AckFrame | PingFrame | PongFrame | ProbeFrame
 *   | CloseFrame | ErrorFrame | NoticeFrame | UnknownFrame} Frame
 */
/** Everything but data frames. @typedef {Exclude<Frame, DataFrame>} ControlFrame */

/** What a client assumes of settings an open frame does not name (protocol version 1). @type {Readonly<Settings>} */
export const DEFAULT_SETTINGS = Object.freeze({
  hb: 15000, poll: 20000, grace: 30000, ackMs: 25, ackEvery: 32, maxMessage: 262144, maxRequest: 1048576, maxFrames: 1000,
});

/**
 * The settings an open frame carries.
 * @param {OpenFrame} open
 * @returns {Readonly<Settings>}
 */
export function settingsOf(open) {
  const { hb, poll, grace, ackMs, ackEvery, maxMessage, maxRequest, maxFrames } = open;
  return Object.freeze({ hb, poll, grace, ackMs, ackEvery, maxMessage, maxRequest, maxFrames });
}

/** First byte of a WebSocket binary data frame, and its header length (type + 64-bit seq). */
export const BINARY_DATA = 1;
export const BINARY_HEADER = 9;

/** @param {string} why */
const malformed = (why) => new BridgeError(ErrorCode.MALFORMED, why);

/** Every number on the wire is an integer from 0 to 2^53 - 1 (PROTOCOL.md 1.2). @param {unknown} v */
const isCount = (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * Parses one JSON frame (a WebSocket text message).
 * @param {string} text
 * @returns {Frame}
 */
export function decodeFrame(text) {
  return decodeValue(parseJson(text));
}

/**
 * Parses a batch: a JSON array of frames (a polling response).
 * @param {string} text
 * @returns {Frame[]}
 */
export function decodeBatch(text) {
  const batch = parseJson(text);
  if (!Array.isArray(batch)) throw malformed('a batch must be a JSON array');
  return batch.map(decodeValue);
}

/** @param {string} text */
function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw malformed('not JSON');
  }
}

/**
 * A parsed JSON value as a frame, its shape checked.
 * @param {any} v
 * @returns {Frame}
 */
export function decodeValue(v) {
  if (Array.isArray(v)) return decodeData(v);
  if (v === null || typeof v !== 'object' || typeof v.t !== 'string') throw malformed('a frame is an array or an object with a type');
  /** @param {string} name */
  const count = (name) => {
    if (!isCount(v[name])) throw malformed(v.t + ' needs ' + name + ' as an integer from 0 to 2^53 - 1');
    return /** @type {number} */ (v[name]);
  };
  /** @param {string} name */
  const optionalCount = (name) => (v[name] === undefined || v[name] === null ? undefined : count(name));
  /** @param {string} name */
  const string = (name) => {
    if (typeof v[name] !== 'string') throw malformed(v.t + ' needs a string ' + name);
    return /** @type {string} */ (v[name]);
  };
  /** @param {string} name */
  const optionalString = (name) => (v[name] === undefined || v[name] === null ? undefined : string(name));
  switch (v.t) {
    case 'ack': return { t: 'ack', a: count('a') };
    case 'ping': return { t: 'ping', ts: optionalCount('ts') ?? 0 };
    case 'pong': return { t: 'pong', ts: optionalCount('ts') ?? 0 };
    case 'probe': return { t: 'probe' };
    case 'close': return { t: 'close', code: optionalCount('code') ?? SocketCode.NORMAL, reason: optionalString('reason') ?? '' };
    case 'error': return { t: 'error', error: string('error'), message: optionalString('message') ?? '' };
    case 'notice': return { t: 'notice', kind: string('kind'), reason: optionalString('reason') ?? '' };
    case 'attach': {
      return dropUndefined({ t: 'attach', sid: optionalString('sid'), key: optionalString('key'), last: count('last'), ws: optionalString('ws'), auth: optionalString('auth') });
    }
    case 'open': {
      if (v.resumed !== undefined && v.resumed !== null && typeof v.resumed !== 'boolean') throw malformed('open needs a boolean resumed');
      /** @param {keyof Settings} name */
      const setting = (name) => optionalCount(name) ?? DEFAULT_SETTINGS[name];
      return dropUndefined({
        t: 'open', sid: string('sid'), key: optionalString('key'), ack: count('ack'), next: optionalCount('next') ?? 0,
        resumed: v.resumed === true, hb: setting('hb'), poll: setting('poll'), grace: setting('grace'), ackMs: setting('ackMs'),
        ackEvery: Math.max(1, Math.min(1 << 20, setting('ackEvery'))), maxMessage: setting('maxMessage'),
        maxRequest: setting('maxRequest'), maxFrames: Math.max(1, setting('maxFrames')), cohort: optionalString('cohort'),
      });
    }
    default: return { t: 'unknown', type: v.t };
  }
}

/**
 * @template {object} T
 * @param {T} o
 * @returns {T}
 */
function dropUndefined(o) {
  for (const k of /** @type {(keyof T)[]} */ (Object.keys(o))) if (o[k] === undefined) delete o[k];
  return o;
}

/**
 * [seq, payload] or [seq, payload, ack].
 * @param {any[]} v
 * @returns {DataFrame}
 */
function decodeData(v) {
  if (v.length < 2 || v.length > 3) throw malformed('a data frame has 2 or 3 elements');
  const [seq, payload, ack] = v;
  if (!isCount(seq) || seq < 1) throw malformed('a data frame needs a sequence number from 1 to 2^53 - 1');
  if (v.length === 3 && !isCount(ack)) throw malformed('a data frame\'s ack must be an integer from 0 to 2^53 - 1');
  let message;
  if (typeof payload === 'string') {
    message = Message.text(payload);
  } else if (payload !== null && typeof payload === 'object' && typeof payload.b64 === 'string') {
    let bytes;
    try {
      bytes = new Uint8Array(fromBase64(payload.b64));
    } catch (e) {
      throw malformed('bad base64 in message ' + seq);
    }
    message = Message.binary(bytes);
  } else {
    throw malformed('a payload is a string or {"b64":...}');
  }
  return v.length === 3 ? { t: 'data', seq, message, ack } : { t: 'data', seq, message };
}

/**
 * One frame as JSON text.
 * @param {Frame} frame
 * @returns {string}
 */
export function encodeFrame(frame) {
  if (frame.t === 'data') {
    return '[' + frame.seq + ',' + frame.message.json() + (frame.ack !== undefined ? ',' + frame.ack : '') + ']';
  }
  return JSON.stringify(frame);
}

/**
 * A batch: a JSON array of frames.
 * @param {Frame[]} frames
 */
export function encodeBatch(frames) {
  return '[' + frames.map(encodeFrame).join(',') + ']';
}

/**
 * A WebSocket binary data frame: 0x01, seq as 64-bit big-endian, the bytes.
 * @param {number} seq
 * @param {Uint8Array} bytes
 * @returns {ArrayBuffer}
 */
export function encodeBinaryFrame(seq, bytes) {
  const buf = new ArrayBuffer(BINARY_HEADER + bytes.length);
  const view = new DataView(buf);
  view.setUint8(0, BINARY_DATA);
  view.setUint32(1, Math.floor(seq / 0x100000000));
  view.setUint32(5, seq >>> 0);
  new Uint8Array(buf, BINARY_HEADER).set(bytes);
  return buf;
}

/**
 * Decodes a WebSocket binary data frame.
 * @param {ArrayBuffer} buf
 * @returns {DataFrame}
 */
export function decodeBinaryFrame(buf) {
  if (buf.byteLength < BINARY_HEADER) throw malformed('binary frame shorter than its 9-byte header');
  const view = new DataView(buf);
  if (view.getUint8(0) !== BINARY_DATA) throw malformed('unknown binary frame type ' + view.getUint8(0));
  const seq = view.getUint32(1) * 0x100000000 + view.getUint32(5);
  if (seq < 1 || !Number.isSafeInteger(seq)) throw malformed('binary frame sequence number out of range');
  return { t: 'data', seq, message: Message.binary(new Uint8Array(buf.slice(BINARY_HEADER))) };
}
