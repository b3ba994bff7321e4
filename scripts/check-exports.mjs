#!/usr/bin/env node
// Fails when package.json `exports`/`typesVersions`, the tsup entry list and the
// `src/**/index.ts` files disagree. `--write` regenerates package.json from the tsup list.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const pkgPath = join(root, 'package.json');
const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));

const tsupText = readFileSync(join(root, 'tsup.config.ts'), 'utf8');
const listText = /export const entries = \[([\s\S]*?)\]/.exec(tsupText)?.[1];
if (!listText) fail(['tsup.config.ts has no `export const entries = [...]` list']);
const tsupEntries = [...listText.matchAll(/'([^']+)'/g)].map((m) => m[1]);

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full));
    else if (name === 'index.ts') out.push(full);
  }
  return out;
}
const srcEntries = walk(join(root, 'src')).map((file) => {
  const rel = relative(join(root, 'src'), file).split(sep).slice(0, -1).join('/');
  return rel === '' ? '.' : rel;
});

const subpath = (entry) => (entry === '.' ? '.' : `./${entry}`);
const dist = (entry) => (entry === '.' ? './dist/index' : `./dist/${entry}/index`);
const expectedExport = (entry) => ({
  import: { types: `${dist(entry)}.d.ts`, default: `${dist(entry)}.js` },
  require: { types: `${dist(entry)}.d.cts`, default: `${dist(entry)}.cjs` },
});
const sorted = [...tsupEntries].sort((a, b) => (a === '.' ? -1 : b === '.' ? 1 : a.localeCompare(b)));
const expectedExports = Object.fromEntries([
  ...sorted.map((entry) => [subpath(entry), expectedExport(entry)]),
  ['./package.json', './package.json'],
]);
// Resolvers without `exports` support (TypeScript `moduleResolution: node`) find types here.
const expectedTypesVersions = {
  '*': Object.fromEntries(sorted.filter((e) => e !== '.').map((e) => [e, [`${dist(e).slice(2)}.d.cts`]])),
};

if (process.argv.includes('--write')) {
  pkg.main = './dist/index.cjs';
  pkg.module = './dist/index.js';
  pkg.types = './dist/index.d.cts';
  pkg.exports = expectedExports;
  pkg.typesVersions = expectedTypesVersions;
  writeFileSync(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`);
  console.log(`package.json exports written for ${sorted.length} entries`);
}

const problems = [];
const setDiff = (a, b) => a.filter((x) => !b.includes(x));
for (const e of setDiff(tsupEntries, srcEntries))
  problems.push(`tsup entry '${e}' has no src/${e === '.' ? '' : `${e}/`}index.ts`);
for (const e of setDiff(srcEntries, tsupEntries))
  problems.push(`src/${e === '.' ? '' : `${e}/`}index.ts is not a tsup entry (add it to tsup.config.ts entries)`);
const current = JSON.parse(readFileSync(pkgPath, 'utf8'));
const exportKeys = Object.keys(current.exports ?? {}).filter((k) => k !== './package.json');
for (const k of setDiff(exportKeys, tsupEntries.map(subpath))) problems.push(`exports '${k}' has no tsup entry`);
for (const e of tsupEntries) {
  const got = current.exports?.[subpath(e)];
  if (JSON.stringify(got) !== JSON.stringify(expectedExport(e))) {
    problems.push(
      `exports '${subpath(e)}' should be ${JSON.stringify(expectedExport(e))} (types first), got ${JSON.stringify(got)}`,
    );
  }
}
if (JSON.stringify(current.typesVersions) !== JSON.stringify(expectedTypesVersions)) {
  problems.push('typesVersions does not match the entry list');
}
if (current.sideEffects !== false) problems.push('package.json must declare "sideEffects": false');
if (problems.length) fail(problems);
console.log(`exports check: ${tsupEntries.length} entries agree across package.json, tsup.config.ts and src/`);

function fail(lines) {
  console.error(
    `exports check failed:\n  ${lines.join('\n  ')}\n(run: node scripts/check-exports.mjs --write after editing tsup.config.ts entries)`,
  );
  process.exit(1);
}
