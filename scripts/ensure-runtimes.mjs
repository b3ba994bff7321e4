#!/usr/bin/env node
// Installs the runtimes of the compatibility matrix (Bun, Deno, workerd, edge-runtime, Node 24;
// all from npm, see runtimes/package.json) when they are missing: the starters' smoke tests in
// `npm test` and `npm run test:runtimes` need them.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
if (!existsSync(join(root, 'runtimes/node_modules/.bin/deno'))) {
  console.log('installing the runtime matrix (npm ci --prefix runtimes)...');
  execFileSync('npm', ['ci', '--prefix', 'runtimes', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
}
