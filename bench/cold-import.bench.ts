// Cold start: `node -e "import('@wawagot/integrations/<module>')"` for every subpath of the
// built package vs a bare `node -e ""`. Requires `npm run build` first.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { markdownTable, recordResults } from './results.js';

const root = new URL('..', import.meta.url).pathname;
if (!existsSync(`${root}dist/index.js`)) {
  console.error('cold-import: run `npm run build` first');
  process.exit(1);
}
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { name: string; exports: Record<string, unknown> };
const RUNS = 15;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function time(code: string): number {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const result = spawnSync(process.execPath, ['-e', code], { cwd: root, stdio: 'inherit' });
    samples.push(performance.now() - start);
    if (result.status !== 0) throw new Error(`node -e ${JSON.stringify(code)} failed`);
  }
  return median(samples);
}

const bare = time('');
const rows: Array<Array<string | number>> = [['(bare node -e "")', bare.toFixed(1), '–', '–']];
let worst = 0;
for (const key of Object.keys(pkg.exports).filter((k) => k !== './package.json')) {
  const spec = key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`;
  const ms = time(`import(${JSON.stringify(spec)}).catch((e) => { console.error(e); process.exit(1) })`);
  const over = ms - bare;
  worst = Math.max(worst, over);
  rows.push([spec, ms.toFixed(1), over.toFixed(1), over <= 25 ? 'ok' : 'OVER']);
}
const text = `${markdownTable(['import', 'median ms', 'over bare start', '≤ 25 ms'], rows)}\n\nMedian of ${RUNS} runs each; worst module costs ${worst.toFixed(1)} ms over a bare start.`;
console.log(text);
recordResults('cold-import', 'Cold import per module', text);
