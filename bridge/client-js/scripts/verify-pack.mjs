// Fails when the package a user installs is not usable: packs it with `npm pack` (what a registry
// would get), unpacks it into node_modules of an empty project, and imports it by its package name
// from node, through package.json's "exports" (ESM), and checks the types ship beside it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'cometbridge-pack-'));
const fail = (why) => {
  console.error('verify-pack: ' + why);
  process.exitCode = 1;
};
try {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const packed = JSON.parse(execFileSync(npm, ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' }))[0];
  const files = new Set(packed.files.map((f) => f.path));
  for (const needed of ['package.json', 'LICENSE', 'README.md', 'dist/client.js', 'dist/client.d.ts', 'dist/client.js.map', 'dist/shared-worker.js', 'dist/shared-worker.js.map']) {
    if (!files.has(needed)) fail('the package lacks ' + needed);
  }
  for (const f of files) {
    if (f.startsWith('test/') || f.startsWith('node_modules/') || f.startsWith('scripts/')) fail('the package carries ' + f);
  }

  const project = join(work, 'app');
  const installed = join(project, 'node_modules', ...pkg.name.split('/'));
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', join(work, packed.filename), '-C', installed, '--strip-components=1']);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  writeFileSync(join(project, 'use.mjs'),
    `import { BridgeSocket, ErrorCode, CloseCode } from '${pkg.name}';\n` +
    `if (typeof BridgeSocket !== 'function' || !ErrorCode || !CloseCode) throw new Error('missing exports');\n` +
    `console.log('ok');\n`);
  const out = execFileSync(process.execPath, [join(project, 'use.mjs')], { cwd: project, encoding: 'utf8' }).trim();
  if (out !== 'ok') fail('importing ' + pkg.name + ' printed ' + out);
  const types = pkg.exports['.'].types;
  if (!existsSync(join(installed, types))) fail('the types entry ' + types + ' is not in the package');
  if (!process.exitCode) console.log('verify-pack: ' + packed.filename + ' (' + files.size + ' files) installs and imports as ' + pkg.name);
} finally {
  rmSync(work, { recursive: true, force: true });
}
