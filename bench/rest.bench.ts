// GET of a small JSON body from a local node:http server in the same process: createRestClient
// (no policy, and the default retry policy) against raw ky, ofetch, axios and raw fetch.
// Each measurement runs in a fresh child process (server and client in that process, as the
// issue asks), so no contender pays for another's garbage; contenders alternate over several
// rounds and the median is kept, which evens out a busy machine.
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { duration } from './measure.js';
import { markdownTable, ops, recordResults } from './results.js';

const NAMES = [
  'raw fetch',
  'raw ky',
  'createRestClient (no policy)',
  'createRestClient (default policy)',
  'ofetch',
  'axios',
] as const;
type Name = (typeof NAMES)[number];
const WARMUP = 500;
const REQUESTS = 3000;
const ROUNDS = 5;

// Measure the client as it ships (compiled JavaScript, dependencies external like ky's own
// imports), not the TypeScript sources run through tsx's transpiler.
const compiled = fileURLToPath(new URL('../node_modules/.cache/wawagot-bench/rest.mjs', import.meta.url));

async function child(name: Name): Promise<void> {
  const body = JSON.stringify({ id: 42, name: 'Ada Lovelace', roles: ['admin', 'author'], active: true });
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const url = `${base}/users/42`;
  let fn: () => Promise<unknown>;
  if (name === 'raw fetch') fn = () => fetch(url).then((r) => r.json());
  else if (name === 'raw ky') {
    const ky = (await import('ky')).default;
    fn = () => ky.get(url).json();
  } else if (name === 'ofetch') {
    const { ofetch } = await import('ofetch');
    fn = () => ofetch(url);
  } else if (name === 'axios') {
    const ax = (await import('axios')).default.create();
    fn = () => ax.get(url).then((r) => r.data);
  } else {
    const { createRestClient } = (await import(pathToFileURL(compiled).href)) as typeof import('../src/rest/index.js');
    const client = createRestClient(
      name === 'createRestClient (no policy)' ? { baseUrl: base, policy: false } : { baseUrl: base },
    );
    fn = () => client.get('/users/42');
  }
  for (let i = 0; i < WARMUP; i++) await fn();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < REQUESTS; i++) await fn();
  const wallNs = ((performance.now() - t0) * 1e6) / REQUESTS;
  const used = process.cpuUsage(cpu0);
  const cpuNs = ((used.user + used.system) * 1e3) / REQUESTS;
  server.closeAllConnections();
  server.close();
  process.stdout.write(JSON.stringify({ wallNs, cpuNs }));
}

async function parent(): Promise<void> {
  await build({
    entryPoints: [fileURLToPath(new URL('../src/rest/index.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    packages: 'external',
    outfile: compiled,
    logLevel: 'error',
  });
  const wall = new Map<Name, number[]>();
  const cpu = new Map<Name, number[]>();
  const self = fileURLToPath(import.meta.url);
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < NAMES.length; i++) {
      const name = NAMES[(i + round) % NAMES.length] as Name;
      const run = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', name], { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`${name} failed: ${run.stderr}`);
      const { wallNs, cpuNs } = JSON.parse(run.stdout) as { wallNs: number; cpuNs: number };
      wall.set(name, [...(wall.get(name) ?? []), wallNs]);
      cpu.set(name, [...(cpu.get(name) ?? []), cpuNs]);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const wallNs = new Map([...wall].map(([k, v]) => [k, median(v)]));
  const cpuNs = new Map([...cpu].map(([k, v]) => [k, median(v)]));
  const vsKy = (m: Map<Name, number>, name: Name) => (m.get('raw ky') as number) / (m.get(name) as number);
  const rows = NAMES.map((name) => [
    name,
    duration(wallNs.get(name) as number),
    ops(1e9 / (wallNs.get(name) as number)),
    `${vsKy(wallNs, name).toFixed(2)}×`,
    duration(cpuNs.get(name) as number),
    `${vsKy(cpuNs, name).toFixed(2)}×`,
  ]);
  const bare: Name = 'createRestClient (no policy)';
  const withDefault: Name = 'createRestClient (default policy)';
  const summary =
    `${bare} = ${vsKy(cpuNs, bare).toFixed(2)}× raw ky by CPU time (goal ≥ 0.9×), ${vsKy(wallNs, bare).toFixed(2)}× by wall time; ` +
    `with the default retry policy = ${vsKy(cpuNs, withDefault).toFixed(2)}× (CPU), ${vsKy(wallNs, withDefault).toFixed(2)}× (wall).`;
  const table = markdownTable(
    ['client', 'wall per GET', 'GET/s', 'vs raw ky (wall)', 'CPU per GET', 'vs raw ky (CPU)'],
    rows,
  );
  console.log(table);
  console.log(summary);
  recordResults(
    'rest',
    'REST client: GET of a small JSON body (local node:http, same process)',
    `${table}\n\nMedian of ${ROUNDS} runs per client, each in a fresh process (${WARMUP} warm-up GETs, then ${REQUESTS} measured); ` +
      `CPU time is the process's own (client and server), the steadier figure on a shared machine. ${summary}`,
  );
}

const at = process.argv.indexOf('--child');
if (at >= 0) await child(process.argv[at + 1] as Name);
else await parent();
