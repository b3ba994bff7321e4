// Durable workflows: throughput of a 5-step no-op workflow on each store, and the cost of one
// stored step on PostgreSQL against a raw INSERT of the same row.
//   node --expose-gc --import tsx bench/workflows.bench.ts
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { createWorkflowRunner, defineWorkflow, memoryStore, type WorkflowStore } from '../src/workflows/index.js';
import { postgresStore } from '../src/workflows/postgres/index.js';
import { redisStore } from '../src/workflows/redis/index.js';
import { markdownTable, ops, recordResults } from './results.js';

const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const tag = `bench_wf_${process.pid}`;

const fiveSteps = defineWorkflow('five', async (_: null, step) => {
  let n = 0;
  for (let i = 0; i < 5; i++) n = await step.run(`s${i}`, () => n + 1);
  return n;
});

async function throughput(store: WorkflowStore, runs: number): Promise<number> {
  const runner = createWorkflowRunner({ store, workflows: [fiveSteps], concurrency: 32 });
  // Warm-up (connections, prepared statements, JIT).
  for (let i = 0; i < 20; i++) await runner.result((await runner.start(fiveSteps, null)).runId);
  globalThis.gc?.();
  const started = performance.now();
  const ids = await Promise.all(Array.from({ length: runs }, () => runner.start(fiveSteps, null)));
  await Promise.all(ids.map(({ runId }) => runner.result(runId, { timeoutMs: 120_000 })));
  const seconds = (performance.now() - started) / 1000;
  await runner.close();
  return runs / seconds;
}

async function main() {
  const sql = postgres(PG_URL, { max: 10, onnotice: () => {} });
  const redis = new Redis(REDIS_URL);
  try {
    const rows: Array<Array<string | number>> = [];
    const memory = await throughput(memoryStore(), 3000);
    const onRedis = await throughput(redisStore(redis, { prefix: tag }), 1000);
    const onPg = await throughput(postgresStore(sql, { schema: tag }), 500);
    rows.push(['memoryStore', ops(memory), ops(memory * 5)]);
    rows.push(['redisStore (local Redis 7)', ops(onRedis), ops(onRedis * 5)]);
    rows.push(['postgresStore (local PostgreSQL 15)', ops(onPg), ops(onPg * 5)]);

    // Alternating rounds (the machine is shared): one run of STEPS sequential steps, then STEPS
    // sequential raw INSERTs of the same row; medians of the per-operation times.
    const STEPS = 100;
    const ROUNDS = 7;
    const long = defineWorkflow('long', async (_: null, step) => {
      for (let i = 0; i < STEPS; i++) await step.run('s', () => i);
    });
    const runner = createWorkflowRunner({ store: postgresStore(sql, { schema: tag }), workflows: [long] });
    await runner.result((await runner.start(long, null)).runId);
    await sql.unsafe(`CREATE TABLE "${tag}".raw_steps (run_id text, step_id text, state text, result jsonb, attempts int,
      duration_ms float8, started_at float8, completed_at float8, PRIMARY KEY (run_id, step_id))`);
    const insert = (run: string, i: number) =>
      sql`INSERT INTO ${sql(tag)}.raw_steps VALUES (${run}, ${`s:${i}`}, 'completed', ${String(i)}::text::jsonb, 1, 0, ${Date.now()}, ${Date.now()})`;
    for (let i = 0; i < STEPS; i++) await insert('warm', i);
    const stepTimes: number[] = [];
    const insertTimes: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      let t = performance.now();
      await runner.result((await runner.start(long, null)).runId);
      stepTimes.push((performance.now() - t) / STEPS);
      t = performance.now();
      for (let i = 0; i < STEPS; i++) await insert(`round-${round}`, i);
      insertTimes.push((performance.now() - t) / STEPS);
    }
    await runner.close();
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    const perStep = median(stepTimes);
    const perInsert = median(insertTimes);
    const ratio = perStep / perInsert;

    const table = markdownTable(['store', 'runs/s (5-step no-op workflow)', 'steps/s'], rows);
    const overhead = markdownTable(
      ['one step, sequential', 'ms', 'ratio'],
      [
        ['postgresStore step.run (fenced step write, no bus)', perStep.toFixed(3), ratio.toFixed(2)],
        ['raw INSERT of the same row (postgres.js)', perInsert.toFixed(3), '1.00'],
      ],
    );
    console.log(table);
    console.log(overhead);
    console.log(`postgresStore step / raw INSERT = ${ratio.toFixed(2)}x`);
    recordResults(
      'workflows',
      'Durable workflows',
      `${table}\n\nRuns started at once, concurrency 32 per runner, results awaited; includes claim, 5 fenced step writes and the finish per run.\n\n${overhead}\n\nMedians over ${ROUNDS} alternating rounds of one run of ${STEPS} sequential steps vs ${STEPS} sequential INSERTs of the same row (same pool; each commit is fsynced, which dominates both).`,
    );
  } finally {
    await sql.unsafe(`DROP SCHEMA IF EXISTS "${tag}" CASCADE`);
    await sql.end();
    const keys = await redis.keys(`${tag}:*`);
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
    redis.disconnect();
  }
}

await main();
