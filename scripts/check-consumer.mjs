#!/usr/bin/env node
// Installs the packed tarball into a throw-away consumer project and proves, as a user would
// see it: `import` and `require` of every subpath, TypeScript type-checking under
// moduleResolution node16 and bundler, and Web-standard entries bundling for
// `--platform=neutral` without any `node:` module. Run after `npm run build`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const subpaths = Object.keys(pkg.exports).filter((k) => k !== './package.json');
const specifiers = subpaths.map((k) => (k === '.' ? pkg.name : `${pkg.name}/${k.slice(2)}`));
// Entries that must stay Web-standard: bundling them for a neutral platform pulls no node: module.
const webStandard = [
  '.',
  './bus',
  './policies',
  './rest',
  './graphql',
  './webhooks',
  './queue',
  './db',
  './files',
  './workflows',
  './realtime',
  './testing',
]
  .filter((k) => subpaths.includes(k))
  .map((k) => (k === '.' ? pkg.name : `${pkg.name}/${k.slice(2)}`));

const dir = mkdtempSync(join(tmpdir(), 'wawagot-consumer-'));
const run = (cmd, args, opts = {}) =>
  execFileSync(cmd, args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
const results = [];
let failed = false;
const check = (name, fn) => {
  try {
    fn();
    results.push({ check: name, result: 'ok' });
  } catch (error) {
    failed = true;
    results.push({ check: name, result: 'FAILED' });
    console.error(
      `\n${name} failed:\n${error.stdout ?? ''}${error.stderr ?? ''}${error.stdout || error.stderr ? '' : error.message}`,
    );
  }
};

try {
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: root, encoding: 'utf8' }),
  );
  const tarball = join(dir, packed[0].filename);
  const peers = Object.keys(pkg.peerDependencies ?? {}).map(
    (name) => `${name}@${pkg.devDependencies[name] ?? pkg.peerDependencies[name]}`,
  );
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, version: '0.0.0' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', tarball, ...peers]);

  check(`import() of ${specifiers.length} subpaths (ESM)`, () => {
    writeFileSync(
      join(dir, 'esm.mjs'),
      specifiers
        .map(
          (s, i) => `import * as m${i} from '${s}'; if (!Object.keys(m${i}).length) throw new Error('${s} is empty');`,
        )
        .join('\n'),
    );
    run(process.execPath, ['esm.mjs']);
  });
  check(`require() of ${specifiers.length} subpaths (CJS)`, () => {
    writeFileSync(
      join(dir, 'cjs.cjs'),
      specifiers.map((s) => `if (!Object.keys(require('${s}')).length) throw new Error('${s} is empty');`).join('\n'),
    );
    run(process.execPath, ['cjs.cjs']);
  });
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  for (const [moduleResolution, module] of [
    ['node16', 'node16'],
    ['bundler', 'esnext'],
  ]) {
    check(`TypeScript consumer, moduleResolution ${moduleResolution}`, () => {
      const sub = join(dir, `ts-${moduleResolution}`);
      mkdirSync(sub, { recursive: true });
      writeFileSync(join(sub, 'package.json'), JSON.stringify({ type: 'module' }));
      writeFileSync(
        join(sub, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            noEmit: true,
            module,
            moduleResolution,
            target: 'es2022',
            lib: ['es2023', 'dom'],
            types: [],
            skipLibCheck: false,
          },
          include: ['index.ts'],
        }),
      );
      writeFileSync(
        join(sub, 'index.ts'),
        `${specifiers.map((s, i) => `import * as m${i} from '${s}';`).join('\n')}\nimport { createBus } from '${pkg.name}/bus';\nimport { IntegrationError } from '${pkg.name}';\nconst bus = createBus<{ 'x.done': { n: number } }>();\nbus.emit('x.done', { n: 1 });\nconst e: IntegrationError = new IntegrationError('x', { code: 'CONFIG' });\nexport const all = [${specifiers.map((_, i) => `m${i}`).join(', ')}, e];\n`,
      );
      run(process.execPath, [tsc, '-p', sub]);
    });
  }
  check(`neutral-platform bundles pull no node: module (${webStandard.length} entries)`, () => {
    const esbuild = join(root, 'node_modules/esbuild/bin/esbuild');
    for (const spec of webStandard) {
      const file = join(dir, 'neutral.mjs');
      writeFileSync(file, `export * from '${spec}';`);
      const meta = join(dir, 'meta.json');
      run(esbuild, [
        file,
        '--bundle',
        '--platform=neutral',
        '--format=esm',
        '--main-fields=module,main',
        `--metafile=${meta}`,
        '--outfile=/dev/null',
        '--log-level=error',
      ]);
      const inputs = Object.values(JSON.parse(readFileSync(meta, 'utf8')).inputs).flatMap((i) =>
        i.imports.map((x) => x.path),
      );
      const nodeImports = inputs.filter(
        (p) => p.startsWith('node:') || ['fs', 'path', 'crypto', 'http', 'net', 'stream', 'os'].includes(p),
      );
      if (nodeImports.length) throw new Error(`${spec} pulls ${[...new Set(nodeImports)].join(', ')}`);
    }
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.table(results);
if (failed) process.exit(1);
