// The committed bundle (what the server serves) exports what src/index.js exports, and its source
// map points at src/. (scripts/verify-dist.mjs checks it is byte for byte a fresh build.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as bundle from '../dist/client.js';
import * as source from '../src/index.js';

test('the bundle exports what the source does', () => {
  assert.deepEqual(Object.keys(bundle).sort(), Object.keys(source).sort());
  assert.equal(bundle.default, bundle.BridgeSocket);
  assert.equal(typeof bundle.BridgeSocket, 'function');
});

test('the source map names the sources under src/', () => {
  const map = JSON.parse(readFileSync(new URL('../dist/client.js.map', import.meta.url), 'utf8'));
  assert.ok(map.sources.length > 10);
  for (const s of map.sources) assert.match(s, /^\.\.\/src\/[a-z-]+\.js$/);
  assert.equal(map.sources.length, map.sourcesContent.length);
  assert.match(readFileSync(new URL('../dist/client.js', import.meta.url), 'utf8'), /\/\/# sourceMappingURL=client\.js\.map\n$/);
});
