// Runs the shared table of delivery cases (bridge/spec/channel-cases.json) against channel.js and
// the backoff rows against backoff.js: the same table the Java Channel runs in ChannelCasesTest.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Channel } from '../src/channel.js';
import { delayMillis, jittered } from '../src/backoff.js';
import { BridgeError } from '../src/codes.js';
import { decodeValue, encodeBatch } from '../src/codec.js';
import { Message } from '../src/message.js';

const table = JSON.parse(readFileSync(new URL('../../spec/channel-cases.json', import.meta.url), 'utf8'));

describe('channel cases', () => {
  for (const kase of table.cases) test(kase.name, () => run(kase));
});

describe('backoff rows', () => {
  for (const [failures, delay] of table.backoff.rows) {
    test(failures + ' failures -> ' + delay + ' ms', () => assert.equal(delayMillis(failures), delay));
  }
  test('jitter spreads by ±25 %', () => {
    assert.equal(jittered(1000, 0), 750);
    assert.equal(jittered(1000, 0.5), 1000);
    assert.equal(jittered(1000, 0.999999), 1250);
  });
});

/** One case: a channel, its clock, and what its events reported. */
function run(kase) {
  const p = { ...table.policy, ...(kase.policy || {}) };
  const delivered = [], acknowledged = [];
  const channel = new Channel(
    { ackDelayMs: p.ackDelayMs, ackEvery: p.ackEvery, maxInboundBytes: p.maxInboundBytes, maxQueuedMessages: p.maxQueuedMessages, maxQueuedBytes: p.maxQueuedBytes },
    { deliver: (m) => delivered.push(payload(m)), acknowledged: (token) => acknowledged.push(token) },
  );
  let now = 0;
  kase.steps.forEach((step, i) => {
    const where = 'step ' + i + ' ' + JSON.stringify(step);
    if ('at' in step) now = step.at;
    if ('offer' in step) {
      assert.equal(channel.offer(message(step.offer), step.offer), step.accepted ?? true, where);
    } else if ('receive' in step) {
      expectError(step, where, () => assert.equal(channel.receive(decodeValue(step.receive), now), step.handled ?? true, where));
    } else if ('resume' in step) {
      expectError(step, where, () => channel.resume(step.resume));
    } else if ('discardControls' in step) {
      channel.discardControls();
    } else if ('rewind' in step) {
      channel.rewind();
    } else if ('resendFrom' in step) {
      assert.equal(channel.resendFrom(), step.resendFrom, where);
    } else if ('takeAck' in step) {
      assert.equal(channel.takeAck(), step.takeAck, where);
    } else if ('tick' in step) {
      const due = channel.tick(now);
      assert.equal(due === Infinity ? null : due, step.tick.due, where);
    } else if ('queue' in step) {
      channel.queue(decodeValue(step.queue));
    } else if ('close' in step) {
      channel.close(decodeValue(step.close));
    } else if ('drain' in step) {
      const d = step.drain;
      const frames = channel.drain(d.framing, d.maxBytes ?? 65536, d.maxFrames ?? 1000);
      assert.deepEqual(JSON.parse(encodeBatch(frames)), step.frames, where);
    } else if ('reply' in step) {
      assert.deepEqual(JSON.parse(encodeBatch(channel.reply())), step.reply, where);
    } else if ('delivered' in step) {
      assert.deepEqual(delivered.splice(0), step.delivered, where);
    } else if ('acknowledged' in step) {
      assert.deepEqual(acknowledged.splice(0), step.acknowledged, where);
    } else if ('hasOutput' in step) {
      assert.equal(channel.hasOutput(), step.hasOutput, where);
    } else if ('ackOwed' in step) {
      assert.equal(channel.ackOwed(), step.ackOwed, where);
    } else {
      assert.fail('unknown step ' + where);
    }
  });
  assert.deepEqual(delivered, [], 'deliveries the case did not check');
  assert.deepEqual(acknowledged, [], 'acknowledgements the case did not check');
}

function expectError(step, where, action) {
  if (!('error' in step)) {
    action();
    return;
  }
  assert.throws(action, (e) => e instanceof BridgeError && e.error === step.error, where);
}

/** A table payload (a string, or {b64}) as a message. */
function message(p) {
  return typeof p === 'string' ? Message.text(p) : Message.binary(new Uint8Array(Buffer.from(p.b64, 'base64')));
}

/** A message as a table payload. */
function payload(m) {
  return JSON.parse(m.json());
}
