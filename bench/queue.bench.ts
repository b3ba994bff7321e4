// Queue throughput, same process and run:
// 1. 10,000 no-op jobs through createQueue + memoryDriver vs raw p-queue (same concurrency);
// 2. 10,000 no-op jobs through createQueue + bullmqDriver vs a raw BullMQ Queue + Worker
//    (same concurrency, same retention);
// 3. scale-out: 1 vs 4 worker processes on the BullMQ driver for jobs that wait 5 ms.
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import PQueue from 'p-queue';
import { bullmqDriver } from '../src/queue/bullmq/index.js';
import { createQueue, memoryDriver, type QueueDriver } from '../src/queue/index.js';
import { markdownTable, ops, recordResults } from './results.js';

/**
 * A private `redis-server` for the run when one is installed and REDIS_URL is not set: on a
 * shared machine other clients of a shared Redis would count in its CPU time and slow it down
 * for one side or the other.
 */
async function privateRedis(): Promise<{ url: string; stop: () => void } | undefined> {
  if (process.env.REDIS_URL) return undefined;
  const port = await new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const started = await new Promise<boolean>((resolve) => {
    child.once('error', () => resolve(false));
    const deadline = Date.now() + 5_000;
    const poll = () => {
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => (Date.now() > deadline ? resolve(false) : setTimeout(poll, 50)));
    };
    poll();
  });
  if (!started) {
    child.kill();
    return undefined;
  }
  return { url: `redis://127.0.0.1:${port}`, stop: () => child.kill() };
}

const ownRedis = await privateRedis();
process.once('exit', () => ownRedis?.stop());
const REDIS_URL = ownRedis?.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const JOBS = 10_000;
const gc = () => (globalThis as { gc?: () => void }).gc?.();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const runId = `bench_q_${process.pid}_${Date.now().toString(36)}`;

/** Wall time and CPU time (this process, plus Redis when given) of one run. */
interface Timing {
  ms: number;
  cpuMs: number;
}

async function redisCpuMs(redis: Redis | undefined): Promise<number> {
  if (!redis) return 0;
  const info = await redis.info('cpu');
  const sys = /used_cpu_sys:([\d.]+)/.exec(info)?.[1];
  const user = /used_cpu_user:([\d.]+)/.exec(info)?.[1];
  return (Number(sys ?? 0) + Number(user ?? 0)) * 1000;
}

async function startTimer(redis?: Redis): Promise<() => Promise<Timing>> {
  const redis0 = await redisCpuMs(redis);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  return async () => {
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return { ms, cpuMs: (cpu.user + cpu.system) / 1000 + (await redisCpuMs(redis)) - redis0 };
  };
}

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

async function memoryOurs(): Promise<Timing> {
  const queue = createQueue<{ ai_tasks: { i: number } }>({ driver: memoryDriver() });
  const c = counter(JOBS);
  await queue.process('ai_tasks', c.hit, { concurrency: MEM_CONCURRENCY });
  const stop = await startTimer();
  const sends: Array<Promise<unknown>> = [];
  for (let i = 0; i < JOBS; i++) sends.push(queue.send('ai_tasks', { i }));
  await Promise.all(sends);
  await c.done;
  const timing = await stop();
  await queue.close();
  return timing;
}

async function memoryRaw(): Promise<Timing> {
  const pq = new PQueue({ concurrency: MEM_CONCURRENCY });
  const c = counter(JOBS);
  const stop = await startTimer();
  const adds: Array<Promise<unknown>> = [];
  for (let i = 0; i < JOBS; i++) {
    const payload = { i };
    adds.push(pq.add(async () => c.hit(payload.i)));
  }
  await Promise.all(adds);
  await c.done;
  return stop();
}

// --- 2. BullMQ driver vs raw BullMQ ------------------------------------------------------------
const BULL_CONCURRENCY = 50;
const BATCH = 1_000;
const BULL_ROUNDS = 11;
const COMMAND_JOBS = 500;

async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

async function bullOurs(redis: Redis, prefix: string, jobs = JOBS): Promise<Timing> {
  const driver: QueueDriver = bullmqDriver({ connection: redis, prefix });
  const queue = createQueue<{ ai_tasks: { i: number } }>({ driver });
  const c = counter(jobs);
  await queue.process('ai_tasks', c.hit, { concurrency: BULL_CONCURRENCY });
  const stop = await startTimer(redis);
  for (let from = 0; from < jobs; from += BATCH) {
    await queue.sendMany(
      'ai_tasks',
      Array.from({ length: Math.min(BATCH, jobs - from) }, (_, k) => ({ payload: { i: from + k } })),
    );
  }
  await c.done;
  const timing = await stop();
  await queue.close();
  return timing;
}

async function bullRaw(redis: Redis, prefix: string, jobs = JOBS): Promise<Timing> {
  const queue = new Queue('ai_tasks', { connection: redis, prefix });
  const c = counter(jobs);
  const worker = new Worker('ai_tasks', async () => c.hit(), {
    connection: redis,
    prefix,
    concurrency: BULL_CONCURRENCY,
  });
  await worker.waitUntilReady();
  const opts = { attempts: 1, removeOnComplete: { count: 1000 }, removeOnFail: { count: 1000 } };
  const stop = await startTimer(redis);
  for (let from = 0; from < jobs; from += BATCH) {
    await queue.addBulk(
      Array.from({ length: Math.min(BATCH, jobs - from) }, (_, k) => ({
        name: 'ai_tasks',
        data: { i: from + k },
        opts,
      })),
    );
  }
  await c.done;
  const timing = await stop();
  await worker.close();
  await queue.close();
  return timing;
}

/**
 * Redis commands per job on each side, counted with MONITOR on a small run (commands inside
 * BullMQ's Lua scripts included), filtered by each run's key prefix.
 */
async function commandsPerJob(
  redis: Redis,
  jobs: number,
): Promise<{ ours: Map<string, number>; raw: Map<string, number> }> {
  const base = new Redis(REDIS_URL);
  const monitor = await base.monitor();
  const seen: string[][] = [];
  monitor.on('monitor', (_time: string, args: string[]) => seen.push(args));
  const count = async (prefix: string, run: () => Promise<void>) => {
    const from = seen.length;
    await run();
    await new Promise((r) => setTimeout(r, 200)); // let MONITOR catch up
    const byName = new Map<string, number>();
    for (const args of seen.slice(from)) {
      if (!args.some((a) => typeof a === 'string' && a.includes(prefix))) continue;
      const name = String(args[0]).toLowerCase();
      byName.set(name, (byName.get(name) ?? 0) + 1 / jobs);
    }
    return byName;
  };
  const oursPrefix = `${runId}_mo`;
  const rawPrefix = `${runId}_mr`;
  const ours = await count(oursPrefix, () => bullOurs(redis, oursPrefix, jobs).then(() => undefined));
  const raw = await count(rawPrefix, () => bullRaw(redis, rawPrefix, jobs).then(() => undefined));
  monitor.disconnect();
  base.disconnect();
  await deletePrefix(redis, oursPrefix);
  await deletePrefix(redis, rawPrefix);
  return { ours, raw };
}

// --- 3. scale-out ------------------------------------------------------------------------------
const SCALE_JOBS = 1_000;
const WORKER = fileURLToPath(new URL('./queue.worker.ts', import.meta.url));

function startWorker(prefix: string): Promise<ChildProcess> {
  const child = fork(WORKER, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, QUEUE_PREFIX: prefix, JOB_MS: '5', CONCURRENCY: '1', REDIS_URL },
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

/** Medians of wall and CPU time over rounds, and the table rows of one comparison. */
function compare(label: [string, string], ours: Timing[], raw: Timing[], goal: number, what: string): void {
  const o = { ms: median(ours.map((t) => t.ms)), cpu: median(ours.map((t) => t.cpuMs)) };
  const r = { ms: median(raw.map((t) => t.ms)), cpu: median(raw.map((t) => t.cpuMs)) };
  const wall = r.ms / o.ms;
  const cpu = r.cpu / o.cpu;
  rows.push([
    label[0],
    ops((JOBS / o.ms) * 1000),
    o.ms.toFixed(0),
    o.cpu.toFixed(0),
    `${wall.toFixed(2)}×`,
    `${cpu.toFixed(2)}×`,
  ]);
  rows.push([label[1], ops((JOBS / r.ms) * 1000), r.ms.toFixed(0), r.cpu.toFixed(0), '1.00×', '1.00×']);
  lines.push(`${what}: ${wall.toFixed(2)}× by wall time, ${cpu.toFixed(2)}× by CPU time (goal >= ${goal}×)`);
}

await memoryOurs();
await memoryRaw();
const mem = { ours: [] as Timing[], raw: [] as Timing[] };
for (let round = 0; round < 7; round++) {
  gc();
  mem.ours.push(await memoryOurs());
  gc();
  mem.raw.push(await memoryRaw());
}
compare(
  [`createQueue + memoryDriver (concurrency ${MEM_CONCURRENCY})`, `raw p-queue (concurrency ${MEM_CONCURRENCY})`],
  mem.ours,
  mem.raw,
  0.9,
  'memoryDriver vs raw p-queue',
);

const scaleRows: Array<Array<string | number>> = [];
if (await redisUp()) {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  try {
    const bull = { ours: [] as Timing[], raw: [] as Timing[] };
    // One unmeasured round each first, so neither side pays for JIT warm-up in a measured round.
    for (const [run, prefix] of [
      [bullOurs, `${runId}_wo`],
      [bullRaw, `${runId}_wr`],
    ] as const) {
      await run(redis, prefix);
      await deletePrefix(redis, prefix);
    }
    // Interleaved rounds, alternating who goes first so neither side always meets a warmer
    // Redis (or a quieter machine); each side gets a fresh prefix of the same shape.
    for (let round = 0; round < BULL_ROUNDS; round++) {
      const a = `${runId}_o${round}`;
      const b = `${runId}_r${round}`;
      gc();
      if (round % 2 === 0) {
        bull.ours.push(await bullOurs(redis, a));
        gc();
        bull.raw.push(await bullRaw(redis, b));
      } else {
        bull.raw.push(await bullRaw(redis, b));
        gc();
        bull.ours.push(await bullOurs(redis, a));
      }
      await deletePrefix(redis, a);
      await deletePrefix(redis, b);
    }
    compare(
      [
        `createQueue + bullmqDriver (concurrency ${BULL_CONCURRENCY})`,
        `raw BullMQ Queue + Worker (concurrency ${BULL_CONCURRENCY})`,
      ],
      bull.ours,
      bull.raw,
      0.95,
      'bullmqDriver vs raw BullMQ',
    );
    const paired = (pick: (t: Timing) => number) => bull.ours.map((o, i) => pick(bull.raw[i] as Timing) / pick(o));
    const wallRatios = paired((t) => t.ms);
    const cpuRatios = paired((t) => t.cpuMs);
    const list = (xs: number[]) => xs.map((x) => `${x.toFixed(2)}×`).join(', ');
    lines.push(
      `bullmqDriver vs raw BullMQ, round by round (raw time / ours): wall ${list(wallRatios)} (median ` +
        `${median(wallRatios).toFixed(2)}×); CPU ${list(cpuRatios)} (median ${median(cpuRatios).toFixed(2)}×)`,
    );

    const commands = await commandsPerJob(redis, COMMAND_JOBS);
    const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
    const names = [...new Set([...commands.ours.keys(), ...commands.raw.keys()])].sort(
      (x, y) => (commands.raw.get(y) ?? 0) - (commands.raw.get(x) ?? 0),
    );
    const differing = names.filter((n) => Math.abs((commands.ours.get(n) ?? 0) - (commands.raw.get(n) ?? 0)) >= 0.01);
    lines.push(
      `Redis commands per job (MONITOR, ${COMMAND_JOBS} jobs, Lua-internal commands included): ours ` +
        `${total(commands.ours).toFixed(2)}, raw ${total(commands.raw).toFixed(2)}` +
        (differing.length
          ? `; differing: ${differing.map((n) => `${n} ${(commands.ours.get(n) ?? 0).toFixed(2)} vs ${(commands.raw.get(n) ?? 0).toFixed(2)}`).join(', ')}`
          : '; the same commands, in the same numbers'),
    );

    const one = `${runId}_s1`;
    const four = `${runId}_s4`;
    const t1 = await scaleOut(redis, one, 1);
    const t4 = await scaleOut(redis, four, 4);
    await deletePrefix(redis, one);
    await deletePrefix(redis, four);
    scaleRows.push(['1', ops((SCALE_JOBS / t1) * 1000), t1.toFixed(0), '1.00×']);
    scaleRows.push(['4', ops((SCALE_JOBS / t4) * 1000), t4.toFixed(0), `${(t1 / t4).toFixed(2)}×`]);
    lines.push(`scale-out 1 -> 4 worker processes: ${(t1 / t4).toFixed(2)}× (goal >= 3×)`);
  } finally {
    await redis.quit();
    ownRedis?.stop();
  }
} else {
  lines.push(`Redis is not reachable at ${REDIS_URL}: BullMQ rows skipped`);
}

const table = markdownTable(['case', 'jobs/s', 'wall ms', 'CPU ms', 'vs raw (wall)', 'vs raw (CPU)'], rows);
const scaleTable = scaleRows.length
  ? markdownTable(['worker processes (bullmqDriver)', 'jobs/s', 'wall ms', 'speed-up'], scaleRows)
  : '';
console.log(table);
if (scaleTable) console.log(`\n${scaleTable}`);
for (const line of lines) console.log(line);
recordResults(
  'queue',
  'Queue: memoryDriver vs p-queue, bullmqDriver vs BullMQ, scale-out',
  `${JOBS.toLocaleString('en-US')} no-op jobs from first send to last completion, medians of 7 rounds in memory and ` +
    `${BULL_ROUNDS} on Redis (after one discarded warm-up round each; rounds interleaved, alternating which side goes ` +
    `first). CPU ms is this process's CPU time, plus the Redis server's for the BullMQ rows; it is the steadier ` +
    `figure on a busy machine. BullMQ rows enqueue in batches of ${BATCH} with the same retention (1,000 completed/failed), ` +
    `the same queue name and prefix shape, and BullMQ-assigned job ids on both sides, on ` +
    `${ownRedis ? 'a private redis-server started for the run (no other clients)' : `the Redis at ${REDIS_URL}`}.\n\n${table}\n\n` +
    (scaleTable
      ? `Scale-out: ${SCALE_JOBS.toLocaleString('en-US')} jobs that each wait 5 ms (I/O-bound), one job at a time per worker process; ` +
        `wall time from the first send until all are done (worker start-up excluded).\n\n${scaleTable}\n\n`
      : '') +
    lines.map((l) => `- ${l}`).join('\n'),
);
