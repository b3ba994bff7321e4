// GET of a small JSON body from a local node:http server in the same process: createRestClient
// (no policy, and the default retry policy) against raw ky, ofetch, axios and raw fetch.
// Contenders run round-robin for several rounds and the median is kept, to even out drift.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import ky from 'ky';
import { ofetch } from 'ofetch';
import { createRestClient } from '../src/rest/index.js';
import { duration, type Measurement, measure } from './measure.js';
import { markdownTable, ops, recordResults } from './results.js';

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

const ROUNDS = 5;
const samples = new Map<string, number[]>();
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, fn] of contenders) {
    const m: Measurement = await measure(name, fn, { timeMs: 600, warmupMs: round === 0 ? 300 : 100 });
    samples.set(name, [...(samples.get(name) ?? []), m.nsPerOp]);
  }
}
server.closeAllConnections();
server.close();

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};
const ns = new Map([...samples].map(([k, v]) => [k, median(v)]));
const kyNs = ns.get('raw ky') as number;
const rows = contenders.map(([name]) => {
  const n = ns.get(name) as number;
  return [name, duration(n), ops(1e9 / n), `${(kyNs / n).toFixed(2)}×`];
});
const bareRatio = kyNs / (ns.get('createRestClient (no policy)') as number);
const policyRatio = kyNs / (ns.get('createRestClient (default policy)') as number);
const summary =
  `createRestClient (no policy) = ${bareRatio.toFixed(2)}× raw ky (goal ≥ 0.9×); ` +
  `with the default retry policy = ${policyRatio.toFixed(2)}× raw ky.`;
const table = markdownTable(['client', 'per GET', 'GET/s', 'vs raw ky'], rows);
console.log(table);
console.log(summary);
recordResults(
  'rest',
  'REST client: GET of a small JSON body (local node:http, same process)',
  `${table}\n\nMedian of ${ROUNDS} interleaved rounds. ${summary}`,
);
