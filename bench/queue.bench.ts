// Queue throughput, same process and run:
// 1. 10,000 no-op jobs through createQueue + memoryDriver vs raw p-queue (same concurrency);
// 2. 10,000 no-op jobs through createQueue + bullmqDriver vs a raw BullMQ Queue + Worker
//    (same concurrency, same retention);
// 3. scale-out: 1 vs 4 worker processes on the BullMQ driver for jobs that wait 5 ms.
import { type ChildProcess, fork } from 'node:child_process';
import { createConnection } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import PQueue from 'p-queue';
import { bullmqDriver } from '../src/queue/bullmq/index.js';
import { createQueue, memoryDriver, type QueueDriver } from '../src/queue/index.js';
import { markdownTable, ops, recordResults } from './results.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const JOBS = 10_000;
const gc = () => (globalThis as { gc?: () => void }).gc?.();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const runId = `bench_q_${process.pid}_${Date.now().toString(36)}`;

function counter(total: number): { hit: (_job?: unknown) => void; done: Promise<void> } {
  let n = 0;
  let resolve!: () => void;
  const done = new Promise<void>((r) => {
    resolve = r;
  });
  return {
    hit: () => {
      if (++n === total) resolve();
    },
    done,
  };
}

// --- 1. memory driver vs p-queue -------------------------------------------------------------
const MEM_CONCURRENCY = 10;

async function memoryOurs(): Promise<number> {
  const queue = createQueue<{ ai_tasks: { i: number } }>({ driver: memoryDriver() });
  const c = counter(JOBS);
  await queue.process('ai_tasks', c.hit, { concurrency: MEM_CONCURRENCY });
  const start = performance.now();
  const sends: Array<Promise<unknown>> = [];
  for (let i = 0; i < JOBS; i++) sends.push(queue.send('ai_tasks', { i }));
  await Promise.all(sends);
  await c.done;
  const ms = performance.now() - start;
  await queue.close();
  return ms;
}

async function memoryRaw(): Promise<number> {
  const pq = new PQueue({ concurrency: MEM_CONCURRENCY });
  const c = counter(JOBS);
  const start = performance.now();
  const adds: Array<Promise<unknown>> = [];
  for (let i = 0; i < JOBS; i++) {
    const payload = { i };
    adds.push(pq.add(async () => c.hit(payload.i)));
  }
  await Promise.all(adds);
  await c.done;
  return performance.now() - start;
}

// --- 2. BullMQ driver vs raw BullMQ ------------------------------------------------------------
const BULL_CONCURRENCY = 50;
const BATCH = 1_000;

async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

async function bullOurs(redis: Redis, prefix: string): Promise<number> {
  const driver: QueueDriver = bullmqDriver({ connection: redis, prefix });
  const queue = createQueue<{ ai_tasks: { i: number } }>({ driver });
  const c = counter(JOBS);
  await queue.process('ai_tasks', c.hit, { concurrency: BULL_CONCURRENCY });
  const start = performance.now();
  for (let from = 0; from < JOBS; from += BATCH) {
    await queue.sendMany(
      'ai_tasks',
      Array.from({ length: BATCH }, (_, k) => ({ payload: { i: from + k } })),
    );
  }
  await c.done;
  const ms = performance.now() - start;
  await queue.close();
  return ms;
}

async function bullRaw(redis: Redis, prefix: string): Promise<number> {
  const queue = new Queue('ai_tasks', { connection: redis, prefix });
  const c = counter(JOBS);
  const worker = new Worker('ai_tasks', async () => c.hit(), {
    connection: redis,
    prefix,
    concurrency: BULL_CONCURRENCY,
  });
  await worker.waitUntilReady();
  const opts = { attempts: 1, removeOnComplete: { count: 1000 }, removeOnFail: { count: 1000 } };
  const start = performance.now();
  for (let from = 0; from < JOBS; from += BATCH) {
    await queue.addBulk(Array.from({ length: BATCH }, (_, k) => ({ name: 'ai_tasks', data: { i: from + k }, opts })));
  }
  await c.done;
  const ms = performance.now() - start;
  await worker.close();
  await queue.close();
  return ms;
}

// --- 3. scale-out ------------------------------------------------------------------------------
const SCALE_JOBS = 2_000;
const WORKER = fileURLToPath(new URL('./queue.worker.ts', import.meta.url));

function startWorker(prefix: string): Promise<ChildProcess> {
  const child = fork(WORKER, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, QUEUE_PREFIX: prefix, JOB_MS: '5', CONCURRENCY: '2', REDIS_URL },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`bench worker exited with ${code}`)));
  });
}

async function scaleOut(redis: Redis, prefix: string, processes: number): Promise<number> {
  const children = await Promise.all(Array.from({ length: processes }, () => startWorker(prefix)));
  const queue = createQueue<{ voice_tasks: { n: number } }>({ driver: bullmqDriver({ connection: redis, prefix }) });
  const start = performance.now();
  for (let from = 0; from < SCALE_JOBS; from += BATCH) {
    await queue.sendMany(
      'voice_tasks',
      Array.from({ length: Math.min(BATCH, SCALE_JOBS - from) }, (_, k) => ({ payload: { n: from + k } })),
    );
  }
  while (Number(await redis.get(`${prefix}:done`)) < SCALE_JOBS) await new Promise((r) => setTimeout(r, 10));
  const ms = performance.now() - start;
  await queue.close();
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) => {
          child.once('exit', resolve);
          child.send('close');
        }),
    ),
  );
  return ms;
}

function redisUp(): Promise<boolean> {
  const { hostname, port } = new URL(REDIS_URL);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port || 6379) });
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

// --- run ---------------------------------------------------------------------------------------
const rows: Array<Array<string | number>> = [];
const lines: string[] = [];

await memoryOurs();
await memoryRaw();
const mem = { ours: [] as number[], raw: [] as number[] };
for (let round = 0; round < 7; round++) {
  gc();
  mem.ours.push(await memoryOurs());
  gc();
  mem.raw.push(await memoryRaw());
}
const memOurs = median(mem.ours);
const memRaw = median(mem.raw);
rows.push([
  `createQueue + memoryDriver (concurrency ${MEM_CONCURRENCY})`,
  ops((JOBS / memOurs) * 1000),
  memOurs.toFixed(0),
  `${(memRaw / memOurs).toFixed(2)}×`,
]);
rows.push([`raw p-queue (concurrency ${MEM_CONCURRENCY})`, ops((JOBS / memRaw) * 1000), memRaw.toFixed(0), '1.00×']);
lines.push(`memoryDriver vs raw p-queue: ${(memRaw / memOurs).toFixed(2)}× (goal >= 0.9×)`);

if (await redisUp()) {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  try {
    const bull = { ours: [] as number[], raw: [] as number[] };
    for (let round = 0; round < 3; round++) {
      const a = `${runId}_o${round}`;
      const b = `${runId}_r${round}`;
      bull.ours.push(await bullOurs(redis, a));
      bull.raw.push(await bullRaw(redis, b));
      await deletePrefix(redis, a);
      await deletePrefix(redis, b);
    }
    const bo = median(bull.ours);
    const br = median(bull.raw);
    rows.push([
      `createQueue + bullmqDriver (concurrency ${BULL_CONCURRENCY})`,
      ops((JOBS / bo) * 1000),
      bo.toFixed(0),
      `${(br / bo).toFixed(2)}×`,
    ]);
    rows.push([
      `raw BullMQ Queue + Worker (concurrency ${BULL_CONCURRENCY})`,
      ops((JOBS / br) * 1000),
      br.toFixed(0),
      '1.00×',
    ]);
    lines.push(`bullmqDriver vs raw BullMQ: ${(br / bo).toFixed(2)}× (goal >= 0.95×)`);

    const one = `${runId}_s1`;
    const four = `${runId}_s4`;
    const t1 = await scaleOut(redis, one, 1);
    const t4 = await scaleOut(redis, four, 4);
    await deletePrefix(redis, one);
    await deletePrefix(redis, four);
    rows.push([
      `bullmqDriver, 1 worker process, 5 ms I/O jobs (${SCALE_JOBS})`,
      ops((SCALE_JOBS / t1) * 1000),
      t1.toFixed(0),
      '1.00×',
    ]);
    rows.push([
      `bullmqDriver, 4 worker processes, 5 ms I/O jobs (${SCALE_JOBS})`,
      ops((SCALE_JOBS / t4) * 1000),
      t4.toFixed(0),
      `${(t1 / t4).toFixed(2)}×`,
    ]);
    lines.push(`scale-out 1 -> 4 worker processes: ${(t1 / t4).toFixed(2)}× (goal >= 3×)`);
  } finally {
    await redis.quit();
  }
} else {
  lines.push(`Redis is not reachable at ${REDIS_URL}: BullMQ rows skipped`);
}

const table = markdownTable(['case', 'jobs/s', 'ms (median)', 'vs baseline'], rows);
console.log(table);
for (const line of lines) console.log(line);
recordResults(
  'queue',
  'Queue: memoryDriver vs p-queue, bullmqDriver vs BullMQ, scale-out',
  `${JOBS.toLocaleString('en-US')} no-op jobs from first send to last completion (median of 7 rounds in memory, 3 on Redis); ` +
    `BullMQ rows enqueue in batches of ${BATCH} with the same retention (keep 1,000 completed/failed) on both sides. ` +
    `Scale-out: ${SCALE_JOBS.toLocaleString('en-US')} jobs that each wait 5 ms, concurrency 2 per worker process.\n\n${table}\n\n${lines.map((l) => `- ${l}`).join('\n')}`,
);
