// codes.js is the table in bridge/spec/codes.json (which the Java ErrorCode and CloseCode are
// tested against too), and no other source file spells a close code or an error name itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { ErrorCode, CloseCode, SocketCode, ClientAction, errorNamed, errorOfCloseCode } from '../src/codes.js';
import { ServerRefusal } from '../src/refusal.js';

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

test('a refusal does what the code table says; a bare status is judged by itself (PROTOCOL.md section 5)', () => {
  for (const e of spec.errors.filter((e) => e.http)) {
    const r = ServerRefusal.ofHttp(e.http, JSON.stringify({ error: e.name, message: 'the server says so' }));
    assert.equal(r.code, errorNamed(e.name));
    assert.equal(r.message, 'the server says so');
    for (const opened of [false, true]) assert.equal(r.action(opened), e.client, e.name);
  }
  for (const status of [408, 425, 429, 500, 502, 503, 504]) {
    const r = ServerRefusal.ofHttp(status, '<html>Bad Gateway</html>');
    assert.ok(r.isTransient(), String(status));
    assert.equal(r.action(false), 'retry');
  }
  for (const status of [400, 401, 403, 404, 405, 409, 413, 421]) {
    const r = ServerRefusal.ofHttp(status, '<html>\n  Not here  </html>');
    assert.ok(!r.isTransient(), String(status));
    assert.equal(r.action(false), 'give_up', 'before a session ever opened: ' + status);
    assert.equal(r.action(true), 'retry', 'after: ' + status);
    assert.equal(r.closeCode(), 4000 + status);
  }
  assert.equal(ServerRefusal.ofHttp(404, '<html>\n  Not here  </html>').message, 'HTTP 404: <html> Not here </html>');
  assert.equal(ServerRefusal.ofHttp(404, JSON.stringify({ error: 'a_newer_error', message: 'x' })).code, null);
  assert.equal(ServerRefusal.ofHttp(413, JSON.stringify({ error: 'too_large', message: 'big' })).closeCode(), 1009);
  assert.equal(ServerRefusal.ofHttp(421, JSON.stringify({ error: 'host_not_allowed', message: 'no' })).closeCode(), 4421);
  assert.equal(ServerRefusal.ofFrame({ t: 'error', error: 'a_newer_error', message: 'm' }).action(false), 'retry');
  assert.equal(ServerRefusal.ofCloseCode(4404, '')?.action(true), 'new_session');
  assert.equal(ServerRefusal.ofCloseCode(1006, ''), null);
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
