// Frames on the wire: binary data frames, base64, UTF-8 lengths, wire sizes and digests, and
// malformed input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBatch, decodeBinaryFrame, decodeFrame, encodeBinaryFrame, encodeFrame } from '../src/codec.js';
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
  assert.deepEqual(decodeFrame('{"t":"ping","ts":-12}'), { t: 'ping', ts: -12 }); // the server's nanosecond clock
  assert.deepEqual(decodeFrame('{"t":"open","sid":"S","ack":0,"resumed":false,"hb":15000,"poll":20000,"grace":30000,"ackMs":10,"ackEvery":4}'),
    { t: 'open', sid: 'S', ack: 0, resumed: false, hb: 15000, poll: 20000, grace: 30000, ackMs: 10, ackEvery: 4 });
  assert.deepEqual(decodeBatch('[{"t":"close","code":4001,"reason":"grace period expired"},[1,"x"]]').map((f) => f.t), ['close', 'data']);
});

test('anything off the documented shapes is malformed', () => {
  const bad = ['not json', '{}', '{"t":"nope"}', '[0,"x"]', '[1]', '[1,"x",2,3]', '[1,5]', '[1,"x",-1]', '[1,{"b64":"@@"}]',
    '{"t":"ack"}', '{"t":"open","sid":"S","ack":0,"resumed":"no","hb":1,"poll":1,"grace":1}', 'null', '"text"'];
  for (const text of bad) {
    assert.throws(() => decodeFrame(text), (e) => e instanceof BridgeError && e.error === 'malformed', text);
  }
  assert.throws(() => decodeBatch('{"t":"ack","a":1}'), BridgeError);
  assert.throws(() => decodeBinaryFrame(new ArrayBuffer(3)), BridgeError);
  assert.throws(() => decodeBinaryFrame(new Uint8Array([2, 0, 0, 0, 0, 0, 0, 0, 1]).buffer), BridgeError);
});
