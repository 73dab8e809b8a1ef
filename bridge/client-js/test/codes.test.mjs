// codes.js is the table in bridge/spec/codes.json (which the Java ErrorCode and CloseCode are
// tested against too), and no other source file spells a close code or an error name itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { ErrorCode, CloseCode, SocketCode, ClientAction, errorNamed, errorOfCloseCode } from '../src/codes.js';

const spec = JSON.parse(readFileSync(new URL('../../spec/codes.json', import.meta.url), 'utf8'));

test('errors match the spec, in order, with what a client does about each', () => {
  assert.deepEqual(Object.values(ErrorCode).map((e) => [e.name, e.http, e.ws, e.client]),
    spec.errors.map((e) => [e.name, e.http, e.ws, e.client]));
  for (const [key, e] of Object.entries(ErrorCode)) assert.equal(key, e.name.toUpperCase());
  assert.deepEqual(new Set(spec.errors.map((e) => e.client)), new Set(Object.values(ClientAction)));
  assert.equal(errorNamed('unknown_session'), ErrorCode.UNKNOWN_SESSION);
  assert.equal(errorNamed('a_newer_error'), null);
  assert.equal(errorOfCloseCode(1009), ErrorCode.TOO_LARGE);
  assert.equal(errorOfCloseCode(1000), null);
  assert.equal(errorOfCloseCode(0), null);
});

test('session closes match the spec, in order', () => {
  assert.deepEqual(Object.entries(CloseCode).map(([k, c]) => [k.toLowerCase(), c.code, c.reason]),
    spec.closes.map((c) => [c.name, c.code, c.reason]));
});

test('socket codes match the spec', () => {
  assert.deepEqual({ ...SocketCode }, {
    NORMAL: spec.socket.normal, GOING_AWAY: spec.socket.goingAway, APPLICATION_MIN: spec.socket.applicationMin,
    APPLICATION_MAX: spec.socket.applicationMax, MAX_REASON_BYTES: spec.socket.maxReasonBytes,
  });
});

test('no source file but codes.js spells a close code or an error name', () => {
  const src = new URL('../src/', import.meta.url);
  const names = spec.errors.map((e) => e.name);
  const codes = new Set([...spec.errors.map((e) => e.ws), ...spec.closes.map((c) => c.code), ...Object.values(spec.socket)].filter((c) => c >= 1000));
  for (const file of readdirSync(src)) {
    if (!file.endsWith('.js') || file === 'codes.js') continue;
    const text = readFileSync(new URL(file, src), 'utf8');
    for (const name of names) assert.ok(!text.includes("'" + name + "'"), file + ' spells the error name ' + name);
    // The table's 4xxx codes wherever they stand; 1000/1001/1009 only where a line speaks of
    // closing (elsewhere 1000 is a second).
    text.split('\n').forEach((raw, i) => {
      const line = raw.replace(/^\s*(\/\/|\/?\*).*$/, '').replace(/\s\/\/ .*$/, ''); // code, not comments
      for (const m of line.matchAll(/\b\d{4}\b/g)) {
        const n = Number(m[0]);
        const suspicious = codes.has(n) && (n >= 4000 || /close|code/i.test(line));
        assert.ok(!suspicious, file + ':' + (i + 1) + ' spells the code ' + n);
      }
    });
  }
});
