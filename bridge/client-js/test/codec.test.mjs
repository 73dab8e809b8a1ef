// Frames on the wire: binary data frames, base64, UTF-8 lengths, wire sizes and digests, the open
// frame's settings, forward compatibility, and malformed input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, decodeBatch, decodeBinaryFrame, decodeFrame, encodeBinaryFrame, encodeFrame } from '../src/codec.js';
import { Message, fromBase64, toBase64, utf8Length } from '../src/message.js';
import { BridgeError } from '../src/codes.js';

test('binary frames, base64 and UTF-8 lengths', () => {
  const bytes = new Uint8Array([0, 1, 2, 250, 255]);
  const frame = decodeBinaryFrame(encodeBinaryFrame(2 ** 40 + 7, bytes));
  assert.equal(frame.seq, 2 ** 40 + 7);
  assert.deepEqual(frame.message.bytes, bytes);
  assert.deepEqual(new Uint8Array(fromBase64(toBase64(bytes))), bytes);
  assert.equal(utf8Length('aé€😀'), 1 + 2 + 3 + 4);
  assert.equal(utf8Length('\ud800x'), 3 + 1); // a lone surrogate: U+FFFD's 3 bytes
});

test('data frames round-trip, text and binary, with and without an ack', () => {
  for (const text of ['[1,"a"]', '[2,"b",7]', '[3,{"b64":"AAE="}]']) assert.equal(encodeFrame(decodeFrame(text)), text);
  assert.equal(Message.text('héllo').size(), 5);
  assert.equal(Message.binary(new Uint8Array(3)).size(), 3);
});

test('a message\'s wire size is the UTF-8 length of its JSON form (Java Message.wireSize)', () => {
  for (const text of ['', 'a', 'héllo', '"quoted" \\ back', 'tab\tnew\nline', '\u0000\u001f', '😀', 'x'.repeat(1000)]) {
    const m = Message.text(text);
    assert.equal(m.wireSize(), Buffer.byteLength(JSON.stringify(text)), JSON.stringify(text));
  }
  for (const n of [0, 1, 2, 3, 4, 100]) {
    const m = Message.binary(new Uint8Array(n));
    assert.equal(m.wireSize(), Buffer.byteLength(m.json()), n + ' bytes');
  }
});

test('a payload\'s digest: equal payloads agree, text and binary never do', () => {
  assert.equal(Message.text('abc').digest(), Message.text('abc').digest());
  assert.notEqual(Message.text('abc').digest(), Message.text('abd').digest());
  assert.notEqual(Message.text('').digest(), Message.binary(new Uint8Array(0)).digest());
  assert.notEqual(Message.text('a').digest(), Message.binary(new Uint8Array([97])).digest());
  assert.equal(Message.binary(new Uint8Array([1, 2])).digest(), Message.binary(new Uint8Array([1, 2])).digest());
  assert.notEqual(Message.binary(new Uint8Array([1, 2])).digest(), Message.binary(new Uint8Array([2, 1])).digest());
});

test('control frames: documented shapes, unknown fields ignored', () => {
  assert.deepEqual(decodeFrame('{"t":"ack","a":3,"extra":true}'), { t: 'ack', a: 3 });
  assert.deepEqual(decodeFrame('{"t":"ping","ts":12}'), { t: 'ping', ts: 12 });
  assert.deepEqual(decodeFrame('{"t":"pong"}'), { t: 'pong', ts: 0 });
  assert.deepEqual(decodeBatch('[{"t":"close","code":4001,"reason":"grace period expired"},[1,"x"]]').map((f) => f.t), ['close', 'data']);
  assert.deepEqual(decodeFrame('{"t":"attach","sid":"S","key":"K","last":4}'), { t: 'attach', sid: 'S', key: 'K', last: 4 });
});

test('open frames: every setting, and the defaults of PROTOCOL.md 1.2 for those missing', () => {
  const full = '{"t":"open","sid":"S","key":"K","ack":2,"next":5,"resumed":true,"hb":10000,"poll":5000,"grace":9000,'
    + '"ackMs":10,"ackEvery":4,"maxMessage":1000,"maxRequest":6130,"maxFrames":50,"newerField":{"x":1}}';
  assert.deepEqual(decodeFrame(full), {
    t: 'open', sid: 'S', key: 'K', ack: 2, next: 5, resumed: true, hb: 10000, poll: 5000, grace: 9000,
    ackMs: 10, ackEvery: 4, maxMessage: 1000, maxRequest: 6130, maxFrames: 50,
  });
  assert.deepEqual(decodeFrame('{"t":"open","sid":"S","ack":0,"resumed":false}'), { t: 'open', sid: 'S', ack: 0, next: 0, resumed: false, ...DEFAULT_SETTINGS });
  assert.deepEqual(DEFAULT_SETTINGS, { hb: 15000, poll: 20000, grace: 30000, ackMs: 25, ackEvery: 32, maxMessage: 262144, maxRequest: 1048576, maxFrames: 1000 });
});

test('a control frame of a type this version does not know is not malformed: a newer server\'s, ignored', () => {
  assert.deepEqual(decodeFrame('{"t":"nope","x":[1,2]}'), { t: 'unknown', type: 'nope' });
  assert.deepEqual(decodeBatch('[{"t":"future"},[1,"x"]]').map((f) => f.t), ['unknown', 'data']);
});

test('anything off the documented shapes is malformed; every number is an integer from 0 to 2^53 - 1', () => {
  const bad = ['not json', '{}', '{"t":5}', '[0,"x"]', '[1]', '[1,"x",2,3]', '[1,5]', '[1,"x",-1]', '[1,{"b64":"@@"}]',
    '{"t":"ack"}', '{"t":"open","sid":"S","ack":0,"resumed":"no","hb":1,"poll":1,"grace":1}', 'null', '"text"',
    '{"t":"ping","ts":-12}', '{"t":"ack","a":1.5}', '{"t":"ack","a":9007199254740992}', '[9007199254740992,"x"]',
    '[1,"x",1e300]', '{"t":"open","sid":"S","ack":0,"resumed":true,"next":-1}', '{"t":"open","sid":"S","ack":0,"maxMessage":"big"}',
    '{"t":"open","ack":0}', '{"t":"attach","last":0,"key":7}'];
  for (const text of bad) {
    assert.throws(() => decodeFrame(text), (e) => e instanceof BridgeError && e.error === 'malformed', text);
  }
  assert.deepEqual(decodeFrame('{"t":"ack","a":9007199254740991}'), { t: 'ack', a: 2 ** 53 - 1 });
  assert.throws(() => decodeBatch('{"t":"ack","a":1}'), BridgeError);
  assert.throws(() => decodeBinaryFrame(new ArrayBuffer(3)), BridgeError);
  assert.throws(() => decodeBinaryFrame(new Uint8Array([2, 0, 0, 0, 0, 0, 0, 0, 1]).buffer), BridgeError);
  assert.throws(() => decodeBinaryFrame(new Uint8Array([1, 0, 0x20, 0, 0, 0, 0, 0, 0]).buffer), BridgeError); // 2^53
});
