// postgresTable.select by primary key vs the same query in raw postgres.js, and
// redisKV.get/set vs raw ioredis (with and without the JSON work redisKV does), against the
// real PostgreSQL and Redis. Rounds alternate ours/raw so machine noise hits both alike;
// figures are medians of the rounds, sequential (one call in flight) and pipelined (32).
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { postgresTable } from '../src/db/postgres/index.js';
import { redisKV } from '../src/db/redis/index.js';
import { markdownTable, ops, recordResults } from './results.js';

const ROUNDS = 9;
const ROUND_MS = 400;
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Sample {
  opsPerSec: number;
  /** Client (Node) CPU per operation, in µs: the part a wrapper can add to. */
  cpuUs: number;
}

/** Throughput and client CPU of `fn` over `ms`, keeping `inFlight` calls running. */
async function throughput(fn: (i: number) => Promise<unknown>, ms: number, inFlight: number): Promise<Sample> {
  let done = 0;
  const end = performance.now() + ms;
  const start = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < end) await fn(done++);
    }),
  );
  const used = process.cpuUsage(cpu);
  return { opsPerSec: (done * 1000) / (performance.now() - start), cpuUs: (used.user + used.system) / done };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

async function compare(
  cases: Array<[string, (i: number) => Promise<unknown>]>,
  inFlight: number,
): Promise<Map<string, Sample>> {
  const samples = new Map<string, Sample[]>(cases.map(([name]) => [name, []]));
  for (const [, fn] of cases) await throughput(fn, 150, inFlight); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, fn] of round % 2 ? [...cases].reverse() : cases) {
      samples.get(name)?.push(await throughput(fn, ROUND_MS, inFlight));
    }
  }
  return new Map(
    [...samples].map(([name, values]) => [
      name,
      { opsPerSec: median(values.map((v) => v.opsPerSec)), cpuUs: median(values.map((v) => v.cpuUs)) },
    ]),
  );
}

const rows: Array<Array<string | number>> = [];
function report(group: string, result: Map<string, Sample>, ours: string, baseline: string, inFlight: number) {
  const base = result.get(baseline) as Sample;
  for (const [name, value] of result) {
    const ratio = name === baseline ? '1.00×' : `${(value.opsPerSec / base.opsPerSec).toFixed(2)}×`;
    rows.push([group, `${inFlight}`, name, ops(value.opsPerSec), ratio, value.cpuUs.toFixed(1)]);
  }
  const mine = result.get(ours) as Sample;
  console.log(
    `${group} (${inFlight} in flight): ${ours} / ${baseline} = ${(mine.opsPerSec / base.opsPerSec).toFixed(2)}× throughput, ` +
      `${mine.cpuUs >= base.cpuUs ? '+' : ''}${(mine.cpuUs - base.cpuUs).toFixed(1)} µs client CPU per op`,
  );
}

// PostgreSQL
const sql = postgres(DATABASE_URL, { max: 4, onnotice: () => {} });
const schema = `bench_db_${process.pid}`;
await sql`create schema ${sql(schema)}`;
try {
  await sql`create table ${sql(`${schema}.users`)} (id int primary key, name text not null, email text not null, age int)`;
  await sql`insert into ${sql(`${schema}.users`)} select g, 'user ' || g, 'u' || g || '@example.com', g % 90 from generate_series(1, 1000) g`;
  const users = postgresTable<{ id: number; name: string; email: string; age: number }>(sql, `${schema}.users`);
  const table = sql(`${schema}.users`);
  const id = (i: number) => (i % 1000) + 1;
  for (const inFlight of [1, 32]) {
    const result = await compare(
      [
        ['postgresTable.select({ where: { id } })', (i) => users.select({ where: { id: id(i) } })],
        ['postgres.js sql`select * ... where id = $1`', (i) => sql`select * from ${table} where id = ${id(i)}`],
      ],
      inFlight,
    );
    report(
      'PostgreSQL select by pk',
      result,
      'postgresTable.select({ where: { id } })',
      'postgres.js sql`select * ... where id = $1`',
      inFlight,
    );
  }
} finally {
  await sql`drop schema if exists ${sql(schema)} cascade`;
  await sql.end({ timeout: 5 });
}

// Redis
const redis = new Redis(REDIS_URL);
const prefix = `bench:db:${process.pid}:`;
const kv = redisKV(redis, { prefix });
const value = { id: 42, name: 'Ada Lovelace', roles: ['admin', 'author'], active: true };
const json = JSON.stringify(value);
const key = (i: number) => `user:${i % 1000}`;
try {
  for (let i = 0; i < 1000; i++) await redis.set(prefix + key(i), json);
  for (const inFlight of [1, 32]) {
    const gets = await compare(
      [
        ['redisKV.get', (i) => kv.get(key(i))],
        ['ioredis get + JSON.parse', async (i) => JSON.parse((await redis.get(prefix + key(i))) as string)],
        ['ioredis get (string)', (i) => redis.get(prefix + key(i))],
      ],
      inFlight,
    );
    report('Redis get', gets, 'redisKV.get', 'ioredis get + JSON.parse', inFlight);
    const sets = await compare(
      [
        ['redisKV.set', (i) => kv.set(key(i), value)],
        ['ioredis set + JSON.stringify', (i) => redis.set(prefix + key(i), JSON.stringify(value))],
        ['ioredis set (string)', (i) => redis.set(prefix + key(i), json)],
      ],
      inFlight,
    );
    report('Redis set', sets, 'redisKV.set', 'ioredis set + JSON.stringify', inFlight);
  }
} finally {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
}

const table = markdownTable(['operation', 'in flight', 'implementation', 'ops/s', 'vs raw', 'client CPU µs/op'], rows);
console.log(`\n${table}`);
recordResults(
  'db',
  'Storage drivers vs raw clients',
  `Real PostgreSQL 127.0.0.1:5432 (1,000-row table, primary-key lookups) and Redis 127.0.0.1:6379 (small JSON values), median of ${ROUNDS} alternating ${ROUND_MS} ms rounds on a machine shared with other work, so throughput ratios move by ±10–15 % between runs; the client CPU per operation (what a wrapper adds to) is steadier. "vs raw" divides by the raw client doing the same work (JSON included for Redis); the goal is ≥ 0.9×.\n\n${table}`,
);
