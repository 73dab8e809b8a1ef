// Fails when the committed dist/ is not what `npm run build` makes from src/ now: builds into a
// temporary folder and compares byte for byte. (The server serves dist/ and is built without node,
// so a stale dist/ would ship old code.)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fresh = mkdtempSync(join(tmpdir(), 'cometbridge-dist-'));
try {
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), fresh], { stdio: 'inherit' });
  const stale = [];
  for (const file of ['client.js', 'client.js.map', 'shared-worker.js', 'shared-worker.js.map', 'client.d.ts']) {
    let committed;
    try {
      committed = readFileSync(join(root, 'dist', file));
    } catch (e) {
      committed = null;
    }
    if (committed === null || !committed.equals(readFileSync(join(fresh, file)))) stale.push('dist/' + file);
  }
  if (stale.length) {
    console.error('verify-dist: ' + stale.join(', ') + ' differ from a fresh build of src/: run `npm run build` and commit dist/');
    process.exit(1);
  }
  console.log('verify-dist: dist/ is what src/ builds to');
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
