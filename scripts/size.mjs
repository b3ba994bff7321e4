#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { join } from 'node:path';
// Deterministic bundle-size check against the built package (run `npm run build` first).
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { budgets } from './size-budgets.mjs';

const root = new URL('..', import.meta.url).pathname;
// `--src` measures the TypeScript sources directly (for work in progress; CI measures dist/).
const fromSource = process.argv.includes('--src');
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (!fromSource && !existsSync(join(root, 'dist/index.js'))) {
  console.error('size: dist/ is missing, run `npm run build` first');
  process.exit(1);
}

// Resolve the package's own name to its built ESM files, exactly as a consumer would.
const selfPlugin = {
  name: 'self',
  setup(b) {
    b.onResolve({ filter: /^@wawagot\/integrations(\/.*)?$/ }, (args) => {
      const sub = args.path.slice('@wawagot/integrations'.length);
      return { path: join(root, fromSource ? 'src' : 'dist', sub, fromSource ? 'index.ts' : 'index.js') };
    });
  },
};

async function gzipSize(code) {
  const result = await build({
    stdin: { contents: code, resolveDir: root, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['import', 'module', 'default'],
    target: 'es2022',
    write: false,
    plugins: [selfPlugin],
    external: ['node:*'],
    logLevel: 'silent',
  });
  const bytes = result.outputFiles[0].contents;
  return { min: bytes.length, gz: gzipSync(bytes, { level: 9 }).length };
}

// `budget` is enforced (a regression guard: the build fails over it). `goal` is the target the
// bundle is meant to reach; `goalOverPeer` states it relative to the `compare` peer measured in
// the same run. Missed goals are printed, and listed at the end, without failing the run.
const rows = [];
const missed = [];
let failed = false;
for (const entry of budgets.filter((b) => only.length === 0 || only.some((o) => b.name.includes(o)))) {
  const { gz, min } = await gzipSize(entry.code);
  const ok = gz <= entry.budget;
  if (!ok) failed = true;
  const row = { bundle: entry.name, minified: min, gzip: gz, budget: entry.budget };
  let goal = entry.goal;
  if (entry.compare) {
    const peer = await gzipSize(entry.compare.code);
    row.peer = `${entry.compare.name}: ${peer.gz}`;
    if (entry.goalOverPeer !== undefined) goal = peer.gz + entry.goalOverPeer;
  }
  row.goal = goal ?? entry.budget;
  const goalMet = gz <= row.goal;
  row.status = !ok ? 'OVER BUDGET' : goalMet ? 'ok' : 'goal missed';
  if (ok && !goalMet) missed.push(`${entry.name}: ${gz} B > goal ${row.goal} B`);
  rows.push(row);
}
console.table(rows);
if (missed.length) console.log(`goals not reached yet (budgets hold):\n  ${missed.join('\n  ')}`);
if (failed) {
  console.error('size: a bundle is over its budget');
  process.exit(1);
}
