// @ts-check
// Frames on the wire (docs/PROTOCOL.md section 1): parsing with the shapes checked, encoding, and
// WebSocket binary data frames. Mirrors io.cometbridge.protocol (Frame, FrameCodec): anything off
// the documented shapes is a `malformed` BridgeError.

import { BridgeError, ErrorCode, SocketCode } from './codes.js';
import { Message, fromBase64 } from './message.js';

/**
 * A data frame; `ack` is a piggybacked acknowledgement, when there is one.
 * @typedef {{ t: 'data', seq: number, message: Message, ack?: number }} DataFrame
 */
/** @typedef {{ t: 'attach', sid?: string, last: number, ws?: string }} AttachFrame */
/**
 * The server's answer to an attach; `ackMs`/`ackEvery` are the acknowledgement policy it asks for.
 * @typedef {{ t: 'open', sid: string, ack: number, resumed: boolean, hb: number, poll: number,
 *   grace: number, ackMs?: number, ackEvery?: number }} OpenFrame
 */
/** @typedef {{ t: 'ack', a: number }} AckFrame */
/** @typedef {{ t: 'ping', ts: number }} PingFrame */
/** @typedef {{ t: 'pong', ts: number }} PongFrame */
/** @typedef {{ t: 'probe' }} ProbeFrame */
/** @typedef {{ t: 'close', code: number, reason: string }} CloseFrame */
/** @typedef {{ t: 'error', error: string, message: string }} ErrorFrame */
/** @typedef {{ t: 'notice', kind: string, reason: string }} NoticeFrame */
/**
 * Every frame the protocol knows.
 * @typedef {DataFrame | AttachFrame | OpenFrame | AckFrame | PingFrame | PongFrame | ProbeFrame
 *   | CloseFrame | ErrorFrame | NoticeFrame} Frame
 */
/** Everything but data frames. @typedef {Exclude<Frame, DataFrame>} ControlFrame */

/** First byte of a WebSocket binary data frame, and its header length (type + 64-bit seq). */
export const BINARY_DATA = 1;
export const BINARY_HEADER = 9;

/** @param {string} why */
const malformed = (why) => new BridgeError(ErrorCode.MALFORMED, why);

/** @param {unknown} v */
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
    if (!isCount(v[name])) throw malformed(v.t + ' needs a non-negative integer ' + name);
    return /** @type {number} */ (v[name]);
  };
  /** @param {string} name */
  const optionalCount = (name) => (v[name] === undefined ? undefined : count(name));
  /** A clock reading of the peer's (any integer; the server's nanosecond clock may be negative). @param {string} name */
  const stamp = (name) => {
    if (v[name] === undefined) return 0;
    if (typeof v[name] !== 'number' || !Number.isInteger(v[name])) throw malformed(v.t + ' needs an integer ' + name);
    return /** @type {number} */ (v[name]);
  };
  /** @param {string} name */
  const string = (name) => {
    if (typeof v[name] !== 'string') throw malformed(v.t + ' needs a string ' + name);
    return /** @type {string} */ (v[name]);
  };
  /** @param {string} name */
  const optionalString = (name) => (v[name] === undefined || v[name] === null ? undefined : string(name));
  switch (v.t) {
    case 'ack': return { t: 'ack', a: count('a') };
    case 'ping': return { t: 'ping', ts: stamp('ts') };
    case 'pong': return { t: 'pong', ts: stamp('ts') };
    case 'probe': return { t: 'probe' };
    case 'close': return { t: 'close', code: optionalCount('code') ?? SocketCode.NORMAL, reason: optionalString('reason') ?? '' };
    case 'error': return { t: 'error', error: string('error'), message: optionalString('message') ?? '' };
    case 'notice': return { t: 'notice', kind: string('kind'), reason: optionalString('reason') ?? '' };
    case 'attach': return dropUndefined({ t: 'attach', sid: optionalString('sid'), last: count('last'), ws: optionalString('ws') });
    case 'open': {
      if (typeof v.resumed !== 'boolean') throw malformed('open needs a boolean resumed');
      return dropUndefined({
        t: 'open', sid: string('sid'), ack: count('ack'), resumed: v.resumed, hb: count('hb'),
        poll: count('poll'), grace: count('grace'), ackMs: optionalCount('ackMs'), ackEvery: optionalCount('ackEvery'),
      });
    }
    default: throw malformed('unknown frame type ' + JSON.stringify(v.t).slice(0, 40));
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
  if (!isCount(seq) || seq < 1) throw malformed('a data frame needs a sequence number >= 1');
  if (v.length === 3 && !isCount(ack)) throw malformed('a data frame\'s ack must be a non-negative integer');
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
