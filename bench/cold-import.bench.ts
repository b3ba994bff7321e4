// Cold start: `node -e "import('@wawagot/integrations/<module>')"` for every subpath of the
// built package vs a bare `node -e ""`. Requires `npm run build` first.
//
// Runs are interleaved (bare, module, bare, module, ...) and each figure is the median of the
// per-pair differences, so load on the machine hits both sides alike. Two measures per pair:
// wall time of the whole process, and its CPU time (user + system, read by the child at exit),
// which a busy machine inflates far less. Subpaths that load an optional peer (bullmq, nats,
// ioredis, postgres, ws, graphql) also show the cost of importing that peer alone: what the
// SDK itself adds is the difference.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { markdownTable, recordResults } from './results.js';

const root = new URL('..', import.meta.url).pathname;
if (!existsSync(`${root}dist/index.js`)) {
  console.error('cold-import: run `npm run build` first');
  process.exit(1);
}
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {
  name: string;
  exports: Record<string, unknown>;
  peerDependencies: Record<string, string>;
};
const RUNS = Number(process.env.COLD_IMPORT_RUNS ?? 11);
const LIMIT = 25;
// The child reports its own CPU time at exit; the bare run carries the same hook.
const REPORT = `process.on('exit',()=>{const u=process.cpuUsage();process.stdout.write('@@'+(u.user+u.system)/1000)});`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function once(code: string): { wall: number; cpu: number } {
  const start = performance.now();
  const result = spawnSync(process.execPath, ['-e', REPORT + code], { cwd: root, encoding: 'utf8' });
  const wall = performance.now() - start;
  if (result.status !== 0) throw new Error(`node -e ${JSON.stringify(code)} failed: ${result.stderr}`);
  const cpu = Number(/@@([\d.]+)/.exec(result.stdout)?.[1]);
  return { wall, cpu };
}

/** Median extra wall and CPU time of `code` over a bare start, from interleaved pairs. */
function overBare(code: string): { wall: number; cpu: number } {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const bare = once('');
    const run = once(code);
    wall.push(run.wall - bare.wall);
    cpu.push(run.cpu - bare.cpu);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

/** Optional peers a built entry imports (following its relative chunks). */
function peersOf(file: string, seen = new Set<string>()): Set<string> {
  const peers = new Set<string>();
  if (seen.has(file)) return peers;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const [, spec] of text.matchAll(/(?:from|import)\s*['"]([^'"]+)['"]/g)) {
    if (!spec) continue;
    if (spec.startsWith('.')) for (const p of peersOf(join(dirname(file), spec), seen)) peers.add(p);
    else {
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec);
      if (name in (pkg.peerDependencies ?? {})) peers.add(name);
    }
  }
  return peers;
}

const imp = (spec: string) => `import(${JSON.stringify(spec)}).catch((e) => { console.error(e); process.exit(1) });`;
const fmt = (n: number) => n.toFixed(1);
const rows: Array<Array<string | number>> = [];
let worstOwn = 0;
for (const key of Object.keys(pkg.exports).filter((k) => k !== './package.json')) {
  const spec = key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`;
  const entry = join(root, 'dist', key === '.' ? '' : key.slice(2), 'index.js');
  const peers = [...peersOf(entry)].sort();
  const mod = overBare(imp(spec));
  const peer = peers.length ? overBare(peers.map(imp).join('')) : undefined;
  const own = peer ? mod.cpu - peer.cpu : mod.cpu;
  worstOwn = Math.max(worstOwn, own);
  rows.push([
    spec,
    fmt(mod.wall),
    fmt(mod.cpu),
    peer ? `${peers.join(', ')}: ${fmt(peer.cpu)}` : '–',
    fmt(own),
    own <= LIMIT ? 'ok' : 'OVER',
  ]);
  console.log(rows.at(-1)?.join(' | '));
}
const bare = once('');
const text = `${markdownTable(
  [
    'import',
    'wall ms over bare',
    'CPU ms over bare',
    'its optional peers alone, CPU ms',
    'SDK’s own CPU ms',
    `≤ ${LIMIT} ms`,
  ],
  rows,
)}\n\nMedians of ${RUNS} interleaved bare/module pairs (bare start here: ${fmt(bare.wall)} ms wall, ${fmt(bare.cpu)} ms CPU). Worst SDK-own cost: ${fmt(worstOwn)} ms CPU.`;
console.log(text);
recordResults('cold-import', 'Cold import per module', text);
