import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createBus } from '../../src/bus/create-bus.js';
import { bullmqDriver } from '../../src/queue/bullmq/index.js';
import { createQueue } from '../../src/queue/index.js';
import { describeWithService, services, uniquePrefix } from '../helpers/services.js';
import { until } from './contract.js';
import { deletePrefix, redisClient } from './redis-cleanup.js';

const WORKER = fileURLToPath(new URL('./fixtures/crash-worker.ts', import.meta.url));
const JOBS = 2_000;

function startWorker(prefix: string, extraEnv: Record<string, string> = {}): Promise<ChildProcess> {
  const child = fork(WORKER, [], {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      QUEUE_PREFIX: prefix,
      JOB_MS: '5',
      CONCURRENCY: '8',
      REDIS_URL: services.redis.url,
      ...extraEnv,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => (m === 'ready' ? resolve(child) : reject(new Error(String(m)))));
    child.once('exit', (code) => reject(new Error(`worker exited early with ${code}`)));
  });
}

await describeWithService('redis', 'queue reliability: BullMQ driver', () => {
  let redis: Redis;
  const prefix = uniquePrefix('qcrash');
  const children: ChildProcess[] = [];
  beforeAll(() => {
    redis = redisClient();
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await deletePrefix(redis, prefix);
    await deletePrefix(redis, `${prefix}_stall`);
    await redis.quit();
  });

  it(`loses none of ${JOBS} jobs when one of two worker processes is SIGKILLed mid-run`, async () => {
    const [victim, survivor] = await Promise.all([startWorker(prefix), startWorker(prefix)]);
    children.push(victim as ChildProcess, survivor as ChildProcess);
    const queue = createQueue<{ ai_tasks: { n: number } }>({ driver: bullmqDriver({ connection: redis, prefix }) });
    const ids: string[] = [];
    for (let start = 0; start < JOBS; start += 500) {
      const batch = Array.from({ length: Math.min(500, JOBS - start) }, (_, i) => ({
        payload: { n: start + i },
        options: { jobId: `job_${start + i}` },
      }));
      for (const { id } of await queue.sendMany('ai_tasks', batch)) ids.push(id);
    }
    const doneKey = `${prefix}:done`;
    await until(async () => (await redis.hlen(doneKey)) >= JOBS / 4, 30_000, 'a quarter of the jobs');
    const activeAtKill = (await queue.counts('ai_tasks')).active;
    victim?.kill('SIGKILL');
    await until(
      async () => {
        const c = await queue.counts('ai_tasks');
        return c.waiting + c.active + c.delayed === 0 && (await redis.hlen(doneKey)) === JOBS;
      },
      45_000,
      'every job completed after the crash',
    );
    const done = await redis.hgetall(doneKey);
    const lost = ids.filter((id) => !done[id]);
    const duplicates = Object.values(done).reduce((sum, times) => sum + Number(times) - 1, 0);
    const counts = await queue.counts('ai_tasks');
    console.log(
      `crash test: ${JOBS} jobs, ${Object.keys(done).length} completed, lost ${lost.length}, duplicates ${duplicates} (${activeAtKill} active when the worker was killed)`,
    );
    expect(lost).toEqual([]);
    expect(counts).toMatchObject({ waiting: 0, active: 0, delayed: 0, failed: 0, dead: 0 });
    survivor?.send('close');
    await new Promise((resolve) => survivor?.once('exit', resolve));
    await queue.close();
  }, 90_000);

  it('dead-letters a job whose worker died more often than maxStalledCount allows', async () => {
    const stallPrefix = `${prefix}_stall`;
    const doomed = await startWorker(stallPrefix, { HANG: '1', MAX_STALLED: '0', CONCURRENCY: '1' });
    children.push(doomed);
    const bus = createBus();
    const dead: Array<{ jobId: string; error: { message: string } }> = [];
    bus.subscribe('queue.dead_lettered', (e) => {
      dead.push(e.data);
    });
    const queue = createQueue<{ ai_tasks: { n: number } }>({
      driver: bullmqDriver({
        connection: redis,
        prefix: stallPrefix,
        lockDurationMs: 1_000,
        stalledIntervalMs: 500,
        maxStalledCount: 0,
      }),
      bus,
      defaultJob: { attempts: 3 },
    });
    const { id } = await queue.send('ai_tasks', { n: 1 });
    await until(async () => (await queue.counts('ai_tasks')).active === 1, 15_000, 'the doomed worker to take the job');
    doomed.kill('SIGKILL');
    let ran = 0;
    await queue.process('ai_tasks', () => {
      ran++;
    });
    await until(() => dead.length === 1, 20_000, 'the stalled job to be dead-lettered');
    expect(dead[0]).toMatchObject({ jobId: id, error: { message: 'job stalled more than allowable limit' } });
    expect(ran).toBe(0);
    const [letter] = await queue.deadLetters('ai_tasks');
    expect(letter).toMatchObject({ id, payload: { n: 1 }, error: { name: 'UnrecoverableError' } });
    await queue.close();
  }, 60_000);
});
