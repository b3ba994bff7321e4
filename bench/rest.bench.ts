// GET of a small JSON body from a local node:http server in the same process: createRestClient
// (no policy, and the default retry policy) against raw ky, ofetch, axios and raw fetch.
// Contenders run round-robin for several rounds and the median is kept, to even out drift.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import axios from 'axios';
import { build } from 'esbuild';
import ky from 'ky';
import { ofetch } from 'ofetch';
import { duration } from './measure.js';
import { markdownTable, ops, recordResults } from './results.js';

// Measure the client as it ships (compiled JavaScript, dependencies external like ky's own
// imports), not the TypeScript sources run through tsx's transpiler.
const compiled = fileURLToPath(new URL('../node_modules/.cache/wawagot-bench/rest.mjs', import.meta.url));
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
const { createRestClient } = (await import(pathToFileURL(compiled).href)) as typeof import('../src/rest/index.js');

const body = JSON.stringify({ id: 42, name: 'Ada Lovelace', roles: ['admin', 'author'], active: true });
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const url = `${base}/users/42`;

const bare = createRestClient({ baseUrl: base, policy: false });
const withPolicy = createRestClient({ baseUrl: base });
const ax = axios.create();

const contenders: Array<[string, () => Promise<unknown>]> = [
  ['raw fetch', () => fetch(url).then((r) => r.json())],
  ['raw ky', () => ky.get(url).json()],
  ['createRestClient (no policy)', () => bare.get('/users/42')],
  ['createRestClient (default policy)', () => withPolicy.get('/users/42')],
  ['ofetch', () => ofetch(url)],
  ['axios', () => ax.get(url).then((r) => r.data)],
];

// Wall time per GET, and this process's CPU time per GET (client and server share the process,
// so the server's share is the same for every contender). CPU time is far less sensitive to
// other processes on a busy machine, so the goal is checked on it; both ratios are printed.
const ROUNDS = 9;
const PER_ROUND = 400;
const wall = new Map<string, number[]>();
const cpu = new Map<string, number[]>();
for (const [, fn] of contenders) for (let i = 0; i < 200; i++) await fn(); // warm-up
for (let round = 0; round < ROUNDS; round++) {
  // Rotate the order each round: whoever runs after a garbage-heavy client pays for its GC.
  const order = contenders.map((_, i) => contenders[(i + round) % contenders.length] as (typeof contenders)[number]);
  if (typeof globalThis.gc === 'function') globalThis.gc();
  for (const [name, fn] of order) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < PER_ROUND; i++) await fn();
    const t1 = performance.now();
    const c1 = process.cpuUsage(c0);
    wall.set(name, [...(wall.get(name) ?? []), ((t1 - t0) * 1e6) / PER_ROUND]);
    cpu.set(name, [...(cpu.get(name) ?? []), ((c1.user + c1.system) * 1e3) / PER_ROUND]);
  }
}
server.closeAllConnections();
server.close();

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};
const wallNs = new Map([...wall].map(([k, v]) => [k, median(v)]));
const cpuNs = new Map([...cpu].map(([k, v]) => [k, median(v)]));
const vsKy = (m: Map<string, number>, name: string) => (m.get('raw ky') as number) / (m.get(name) as number);
const rows = contenders.map(([name]) => [
  name,
  duration(wallNs.get(name) as number),
  ops(1e9 / (wallNs.get(name) as number)),
  `${vsKy(wallNs, name).toFixed(2)}×`,
  duration(cpuNs.get(name) as number),
  `${vsKy(cpuNs, name).toFixed(2)}×`,
]);
const bareName = 'createRestClient (no policy)';
const withDefault = 'createRestClient (default policy)';
const summary =
  `${bareName} = ${vsKy(cpuNs, bareName).toFixed(2)}× raw ky by CPU time (goal ≥ 0.9×), ${vsKy(wallNs, bareName).toFixed(2)}× by wall time; ` +
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
  `${table}\n\nMedian of ${ROUNDS} interleaved rounds of ${PER_ROUND} GETs each. ${summary}`,
);
