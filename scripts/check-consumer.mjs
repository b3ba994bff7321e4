#!/usr/bin/env node
// Installs the packed tarball into a throw-away consumer project and proves, as a user would
// see it: `import` and `require` of every subpath, TypeScript type-checking under
// moduleResolution node16 and bundler, and Web-standard entries bundling for
// `--platform=neutral` without any `node:` module, publint and @arethetypeswrong/cli reporting
// nothing, and the node-http starter copied out of the repository running on the tarball alone.
// Run after `npm run build`.
import { execFileSync, spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/**
 * Copies examples/node-http next to the installed tarball (no tsconfig paths, no sources), runs
 * it with tsx as its `npm start` does, and drives it: REST proxy, a signed GitHub delivery,
 * the queue forwarding it upstream.
 */
async function runStarterCopy(consumer) {
  const starter = join(consumer, 'starter-node-http');
  cpSync(join(root, 'examples/node-http'), starter, { recursive: true });
  const { startServer } = await import('./runtimes/server.mjs');
  const upstream = await startServer();
  const secret = `starter-${randomUUID()}`;
  const child = spawn(process.execPath, ['--import', join(root, 'node_modules/tsx/dist/loader.mjs'), 'server.ts'], {
    cwd: starter,
    env: { ...process.env, PORT: '0', UPSTREAM_URL: upstream.url, GITHUB_WEBHOOK_SECRET: secret },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  try {
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`starter did not start:\n${out}`)), 30_000);
      const onData = (d) => {
        out += d;
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('close', (code) => reject(new Error(`starter exited with ${code}:\n${out}`)));
    });
    const items = await (await fetch(`${url}/items`)).json();
    if (items[0]?.id !== 1) throw new Error(`GET /items gave ${JSON.stringify(items)}`);
    const body = JSON.stringify({ zen: 'copied out' });
    const id = randomUUID();
    const headers = {
      'x-github-event': 'ping',
      'x-github-delivery': id,
      'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    };
    const res = await fetch(`${url}/webhooks/github`, { method: 'POST', body, headers });
    if (res.status !== 202) throw new Error(`webhook answered ${res.status}`);
    for (let i = 0; ; i++) {
      const status = await (await fetch(`${url}/status`)).json();
      if (status.forwarded.includes(id)) break;
      if (i > 200) throw new Error(`delivery never forwarded: ${JSON.stringify(status)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    child.kill('SIGKILL');
    await upstream.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'wawagot-consumer-'));
const run = (cmd, args, opts = {}) =>
  execFileSync(cmd, args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
const results = [];
let failed = false;
const check = async (name, fn) => {
  try {
    await fn();
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

  await check(`import() of ${specifiers.length} subpaths (ESM)`, () => {
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
  await check(`require() of ${specifiers.length} subpaths (CJS)`, () => {
    writeFileSync(
      join(dir, 'cjs.cjs'),
      specifiers.map((s) => `if (!Object.keys(require('${s}')).length) throw new Error('${s} is empty');`).join('\n'),
    );
    // As on Node 20 before 20.19: `require()` of an ES module is refused, so nothing we ship to
    // CommonJS may require an ESM-only dependency.
    run(process.execPath, ['--no-experimental-require-module', 'cjs.cjs']);
  });
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  for (const [moduleResolution, module] of [
    ['node16', 'node16'],
    ['bundler', 'esnext'],
  ]) {
    await check(`TypeScript consumer, moduleResolution ${moduleResolution}`, () => {
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
  await check(`neutral-platform bundles pull no node: module (${webStandard.length} entries)`, () => {
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
  await check('publint', () => {
    const out = run(join(root, 'node_modules/.bin/publint'), ['run', tarball, '--strict']);
    if (!/All good/.test(out)) throw new Error(out);
  });
  await check('@arethetypeswrong/cli (every subpath, node10/node16/bundler)', () => {
    run(join(root, 'node_modules/.bin/attw'), [tarball, '--format', 'table-flipped']);
  });
  await check('starter examples/node-http copied out, on the tarball alone', () => runStarterCopy(dir));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.table(results);
if (failed) process.exit(1);
