#!/usr/bin/env node
// Runtime matrix: bundles scripts/runtimes/smoke.ts against the built package and runs it on
// Node 20 (this machine), Node 24, Bun, Deno, Cloudflare workerd and Vercel's edge-runtime
// (all from the npm packages in runtimes/, installed with `npm ci --prefix runtimes`).
// Prints a runtime × check table; exits non-zero unless every cell passes.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import { startServer } from './server.mjs';

const here = new URL('.', import.meta.url).pathname;
const root = join(here, '../..');
const runtimesDir = join(root, 'runtimes');
const out = join(here, '.build');
if (!existsSync(join(root, 'dist/index.js'))) {
  console.error('test:runtimes: run `npm run build` first');
  process.exit(1);
}
if (!existsSync(join(runtimesDir, 'node_modules'))) {
  console.error('test:runtimes: run `npm ci --prefix runtimes` first');
  process.exit(1);
}
mkdirSync(out, { recursive: true });

const selfPlugin = {
  name: 'self',
  setup(b) {
    b.onResolve({ filter: /^@wawagot\/integrations(\/.*)?$/ }, (args) => ({
      path: join(root, 'dist', args.path.slice('@wawagot/integrations'.length), 'index.js'),
    }));
  },
};
const common = {
  bundle: true,
  platform: 'neutral',
  target: 'es2022',
  mainFields: ['module', 'main'],
  plugins: [selfPlugin],
  logLevel: 'error',
};
await build({ ...common, entryPoints: [join(here, 'smoke.ts')], format: 'esm', outfile: join(out, 'smoke.mjs') });
await build({
  ...common,
  entryPoints: [join(here, 'smoke.ts')],
  format: 'iife',
  globalName: '__smoke',
  outfile: join(out, 'smoke.iife.js'),
});
await build({ ...common, entryPoints: [join(here, 'worker.mjs')], format: 'esm', outfile: join(out, 'worker.mjs') });

const bin = (name) => join(runtimesDir, 'node_modules/.bin', name);
const upstream = await startServer();

function runProcess(command, args, { timeoutMs = 60_000 } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: here,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith('@@RESULTS@@'));
      if (line) resolve(JSON.parse(line.slice('@@RESULTS@@'.length)));
      else resolve(new Error(`exit ${code}: ${(stderr || stdout).trim().slice(-2000)}`));
    });
  });
}

function freePort() {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function runWorkerd() {
  const port = await freePort();
  const config = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .smokeWorker),
    (name = "internet", network = (allow = ["public", "private", "local"]))
  ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ]
);
const smokeWorker :Workerd.Worker = (
  modules = [ (name = "worker", esModule = embed "worker.mjs") ],
  compatibilityDate = "2024-09-23",
  globalOutbound = "internet"
);
`;
  writeFileSync(join(out, 'config.capnp'), config);
  const child = spawn(bin('workerd'), ['serve', join(out, 'config.capnp')], {
    cwd: out,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (d) => {
    log += d;
  });
  try {
    for (let i = 0; i < 100; i++) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/?server=${encodeURIComponent(upstream.url)}`);
        return await res.json();
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    return new Error(`workerd did not answer: ${log.slice(-2000)}`);
  } finally {
    child.kill('SIGKILL');
  }
}

async function runEdgeRuntime() {
  const require = createRequire(join(runtimesDir, 'package.json'));
  const { EdgeRuntime } = require('edge-runtime');
  const runtime = new EdgeRuntime({ initialCode: readFileSync(join(out, 'smoke.iife.js'), 'utf8') });
  const json = await runtime.evaluate(`__smoke.runChecks(${JSON.stringify(upstream.url)}).then(JSON.stringify)`);
  return JSON.parse(json);
}

const runtimes = [
  ['Node 20', () => runProcess(process.execPath, ['runner.mjs', upstream.url])],
  ['Node 24', () => runProcess(bin('node'), ['runner.mjs', upstream.url])],
  ['Bun', () => runProcess(bin('bun'), ['runner.mjs', upstream.url])],
  [
    'Deno',
    () => runProcess(bin('deno'), ['run', '--allow-net', '--allow-read', '--no-prompt', 'runner.mjs', upstream.url]),
  ],
  ['workerd', runWorkerd],
  ['edge-runtime', runEdgeRuntime],
];

const table = {};
let failed = false;
for (const [name, run] of runtimes) {
  let results;
  try {
    results = await run();
  } catch (error) {
    results = error;
  }
  if (results instanceof Error) {
    failed = true;
    table[name] = { '(runtime)': 'FAILED' };
    console.error(`${name}: ${results.message}`);
    continue;
  }
  table[name] = Object.fromEntries(results.map((r) => [r.check, r.ok ? 'ok' : 'FAIL']));
  for (const r of results.filter((x) => !x.ok)) {
    failed = true;
    console.error(`${name} / ${r.check}: ${r.error}`);
  }
}
await upstream.close();
console.table(table);
const checkNames = [...new Set(Object.values(table).flatMap((row) => Object.keys(row)))];
console.log(
  [
    `| runtime | ${checkNames.join(' | ')} |`,
    `| --- | ${checkNames.map(() => ':---:').join(' | ')} |`,
    ...Object.entries(table).map(
      ([name, row]) => `| ${name} | ${checkNames.map((c) => (row[c] === 'ok' ? '✅' : '❌')).join(' | ')} |`,
    ),
  ].join('\n'),
);
if (failed) process.exit(1);
console.log('runtime matrix: every check passed on every runtime');
