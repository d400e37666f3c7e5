#!/usr/bin/env node
'use strict';
// Builds flowplane's native addons (native/tap: TAP ports) with node-gyp, only when the built addon is
// missing or older than its sources, so `npm run build` stays fast. node-gyp is the copy npm bundles (npm
// sets npm_config_node_gyp in scripts); headers come from nodedir (npm_config_nodedir, else /usr when
// Node's headers are installed there, else node-gyp's default). Works offline: nothing is downloaded when
// the headers are local.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const addons = [{ dir: path.join(__dirname, 'tap'), out: 'build/Release/fptap.node', sources: ['binding.gyp', 'src/tap.c'] }];

function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  for (const c of candidates) if (c && fs.existsSync(c)) return c;
  try {
    return require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return null;
  }
}

function nodedir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  if (fs.existsSync('/usr/include/node/node_api.h')) return '/usr';
  return null;
}

let failed = false;
for (const a of addons) {
  const out = path.join(a.dir, a.out);
  const newest = Math.max(...a.sources.map((s) => fs.statSync(path.join(a.dir, s)).mtimeMs));
  if (fs.existsSync(out) && fs.statSync(out).mtimeMs >= newest && !process.argv.includes('--force')) continue;
  const gyp = nodeGyp();
  if (gyp === null) {
    console.error(`native: node-gyp not found; ${path.relative(process.cwd(), a.dir)} not built (flowplane run --tap will not work)`);
    failed = true;
    continue;
  }
  const args = [gyp, 'rebuild', '--silent'];
  const nd = nodedir();
  if (nd) args.push(`--nodedir=${nd}`);
  console.log(`native: building ${path.relative(process.cwd(), a.dir) || a.dir}`);
  const r = spawnSync(process.execPath, args, { cwd: a.dir, stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
