// @ts-check
// One application message, text or binary (io.cometbridge.protocol.Message), and the byte helpers
// the wire needs: base64, UTF-8 lengths, a digest of a payload, an exact ArrayBuffer.

/** One application message, text or binary. */
export class Message {
  /**
   * Use {@link Message.text} or {@link Message.binary}.
   * @param {string | null} text
   * @param {Uint8Array | null} bytes
   */
  constructor(text, bytes) {
    /** @readonly The text, or null for a binary message. */
    this.text = text;
    /** @readonly The bytes, or null for a text message. */
    this.bytes = bytes;
    /** @type {string | undefined} the payload's JSON, computed once */
    this._json = undefined;
    /** @type {number} the UTF-8 length of the payload's JSON, computed once (-1 before) */
    this._wireSize = -1;
  }

  /** @param {string} text */
  static text(text) {
    return new Message(text, null);
  }

  /**
   * A binary message; it takes the array as it is (the caller copies if it keeps writing to it).
   * @param {Uint8Array} bytes
   */
  static binary(bytes) {
    return new Message(null, bytes);
  }

  isBinary() {
    return this.bytes !== null;
  }

  /** Payload size for limits and statistics: UTF-16 units for text, bytes for binary (as the server counts). */
  size() {
    return this.bytes !== null ? this.bytes.length : /** @type {string} */ (this.text).length;
  }

  /** The payload as a JSON value: a string for text, {"b64":...} for binary. */
  json() {
    if (this._json === undefined) {
      this._json = this.bytes !== null ? '{"b64":"' + toBase64(this.bytes) + '"}' : JSON.stringify(this.text);
    }
    return this._json;
  }

  /**
   * Bytes of UTF-8 the payload takes in a JSON frame ({@link json}): what counts against a polling
   * request (Java Message.wireSize). A binary message's is known without encoding it.
   */
  wireSize() {
    if (this._wireSize < 0) {
      this._wireSize = this.bytes !== null ? 10 + 4 * Math.ceil(this.bytes.length / 3) : utf8Length(this.json());
    }
    return this._wireSize;
  }

  /**
   * A digest of the payload, the same for equal messages (text and binary never collide by
   * construction: the kind is part of it). What a receiver compares a duplicate with.
   */
  digest() {
    let h = this.bytes !== null ? 0x9e3779b9 : 0x811c9dc5;
    if (this.bytes !== null) {
      for (let i = 0; i < this.bytes.length; i++) h = Math.imul(h ^ this.bytes[i], 0x01000193);
    } else {
      const s = /** @type {string} */ (this.text);
      for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    }
    return (Math.imul(h ^ this.size(), 0x01000193) >>> 0) * 2 + (this.bytes !== null ? 1 : 0);
  }
}

/**
 * Standard base64 of some bytes.
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function toBase64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, Array.from(bytes.subarray(i, i + 0x8000)));
  return btoa(s);
}

/**
 * The bytes of standard base64 text; throws on anything else.
 * @param {string} b64
 * @returns {ArrayBuffer}
 */
export function fromBase64(b64) {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out.buffer;
}

/**
 * UTF-8 length of a string, without allocating (a lone surrogate counts as the 3 bytes of U+FFFD).
 * @param {string} s
 * @returns {number}
 */
export function utf8Length(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) { n += 4; i++; }
    else n += 3;
  }
  return n;
}

/**
 * A message's bytes as an ArrayBuffer of exactly their length (what a WebSocket would deliver).
 * @param {Uint8Array} bytes
 * @returns {ArrayBuffer}
 */
export function exactBuffer(bytes) {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return /** @type {ArrayBuffer} */ (whole ? bytes.buffer : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}
