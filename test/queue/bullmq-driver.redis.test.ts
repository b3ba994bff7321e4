import { UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createBus } from '../../src/bus/create-bus.js';
import { constant } from '../../src/policies/backoff.js';
import { bullmqDriver } from '../../src/queue/bullmq/index.js';
import { createQueue } from '../../src/queue/index.js';
import { describeWithService, services, uniquePrefix } from '../helpers/services.js';
import { until } from './contract.js';
import { deletePrefix, redisClient } from './redis-cleanup.js';

type Queues = { voice_tasks: { callId: string } };

await describeWithService('redis', 'bullmqDriver specifics', () => {
  let redis: Redis;
  const prefix = uniquePrefix('qbull');
  beforeAll(() => {
    redis = redisClient();
  });
  afterAll(async () => {
    for (const suffix of ['a', 'b', 'c', 'd']) await deletePrefix(redis, `${prefix}${suffix}`);
    expect(await redis.keys(`${prefix}*`)).toEqual([]);
    await redis.quit();
  });

  it('keeps dead letters across a restart and re-creates a trimmed job on retry', async () => {
    const first = createQueue<Queues>({
      driver: bullmqDriver({ connection: redis, prefix: `${prefix}a`, keepFailed: 0 }),
      defaultJob: { attempts: 2, backoff: constant(10) },
    });
    let calls = 0;
    await first.process('voice_tasks', () => {
      calls++;
      throw new Error('number unreachable');
    });
    const { id } = await first.send('voice_tasks', { callId: 'c_9' }, { jobId: 'call-c_9' });
    await until(async () => (await first.counts('voice_tasks')).dead === 1, 10_000, 'dead letter');
    expect(calls).toBe(2);
    await first.close();

    const bus = createBus();
    const completed: string[] = [];
    bus.subscribe('queue.completed', (e) => {
      completed.push(e.data.jobId);
    });
    const second = createQueue<Queues>({ driver: bullmqDriver({ connection: redis, prefix: `${prefix}a` }), bus });
    const letters = await second.deadLetters('voice_tasks');
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      id,
      payload: { callId: 'c_9' },
      attempts: 2,
      error: { message: 'number unreachable' },
    });
    // keepFailed: 0 removed the failed job from the main queue; the retry rebuilds it.
    expect((await second.counts('voice_tasks')).failed).toBe(0);
    await second.process('voice_tasks', () => {});
    await second.retryDeadLetter('voice_tasks', id);
    await until(() => completed.length === 1, 10_000, 'completion after retry');
    expect(completed).toEqual([id]);
    expect(await second.deadLetters('voice_tasks')).toEqual([]);
    await second.close();
    await deletePrefix(redis, `${prefix}a`);
  });

  it('dead-letters a job BullMQ fails on its own (UnrecoverableError) without spending its attempts', async () => {
    const bus = createBus();
    const dead: string[] = [];
    bus.subscribe('queue.dead_lettered', (e) => {
      dead.push(e.data.jobId);
    });
    const queue = createQueue<Queues>({
      driver: bullmqDriver({ connection: redis, prefix: `${prefix}b` }),
      bus,
      defaultJob: { attempts: 5 },
    });
    let calls = 0;
    await queue.process('voice_tasks', () => {
      calls++;
      throw new UnrecoverableError('call was cancelled by the caller');
    });
    const { id } = await queue.send('voice_tasks', { callId: 'c_10' });
    await until(() => dead.length === 1, 10_000, 'dead letter');
    expect(calls).toBe(1);
    expect(dead).toEqual([id]);
    const [letter] = await queue.deadLetters('voice_tasks');
    expect(letter).toMatchObject({ id, attempts: 1, error: { name: 'UnrecoverableError' } });
    await queue.close();
    await deletePrefix(redis, `${prefix}b`);
  });

  it('a producer without a processor only enqueues; another process (driver) consumes', async () => {
    const producer = createQueue<Queues>({ driver: bullmqDriver({ connection: redis, prefix: `${prefix}c` }) });
    const consumer = createQueue<Queues>({ driver: bullmqDriver({ connection: redis, prefix: `${prefix}c` }) });
    const seen: string[] = [];
    await producer.sendMany('voice_tasks', [{ payload: { callId: 'x' } }, { payload: { callId: 'y' } }]);
    expect((await producer.counts('voice_tasks')).waiting).toBe(2);
    await consumer.process('voice_tasks', (job) => {
      seen.push(job.payload.callId);
    });
    await until(() => seen.length === 2, 10_000, 'both consumed');
    expect(seen.sort()).toEqual(['x', 'y']);
    await Promise.all([producer.close(), consumer.close()]);
    await deletePrefix(redis, `${prefix}c`);
  });

  it('accepts ioredis options instead of an instance and closes the connections it opened', async () => {
    const queue = createQueue<Queues>({
      driver: bullmqDriver({
        connection: { host: services.redis.host, port: services.redis.port, maxRetriesPerRequest: null },
        prefix: `${prefix}d`,
      }),
    });
    const seen: string[] = [];
    await queue.process('voice_tasks', (job) => {
      seen.push(job.payload.callId);
    });
    await queue.send('voice_tasks', { callId: 'opts' });
    await until(() => seen.length === 1, 10_000, 'completion');
    // BullMQ names its connections `<prefix>:<base64 queue name>...`.
    const ours = async () =>
      String(await redis.client('LIST'))
        .split('\n')
        .filter((line: string) => line.includes(`name=${prefix}d:`));
    expect((await ours()).length).toBeGreaterThan(0);
    await queue.close();
    await until(async () => (await ours()).length === 0, 5_000, 'the driver to close its connections');
    await deletePrefix(redis, `${prefix}d`);
  });
});
