import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bullmqDriver } from '../../src/queue/bullmq/index.js';
import { createQueue } from '../../src/queue/index.js';
import { describeWithService, services, uniquePrefix } from '../helpers/services.js';
import { deletePrefix, redisClient } from './redis-cleanup.js';

type Queues = { ai_tasks: { prompt: string }; voice_tasks: { callId: string } };

await describeWithService('redis', 'bullmqDriver after close', () => {
  let redis: Redis;
  const prefix = uniquePrefix('qbullclose');
  beforeAll(() => {
    redis = redisClient();
  });
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    expect(await redis.keys(`${prefix}*`)).toEqual([]);
    await redis.quit();
  });

  it('opens no dead-letter connection for a queue that never dead-letters, so closing it rejects nothing', async () => {
    const { host, port } = services.redis;
    const connectionName = `${prefix}-lazy`;
    const clients = async () =>
      String(await redis.call('CLIENT', 'LIST'))
        .split('\n')
        .filter((line) => line.includes(` name=${connectionName} `)).length;
    const queue = createQueue<Queues>({
      driver: bullmqDriver({ connection: { host, port, maxRetriesPerRequest: null, connectionName }, prefix }),
    });
    await queue.send('ai_tasks', { prompt: 'hi' });
    expect(await clients()).toBe(1); // the queue's own; no `ai_tasks.dead` yet
    expect((await queue.counts('ai_tasks')).dead).toBe(0); // opens it
    expect(await clients()).toBe(2);
    await queue.close();
  });

  it('refuses every call after close instead of opening new BullMQ queues (each with a connection)', async () => {
    const { host, port } = services.redis;
    // Connection options: BullMQ opens a connection of its own per Queue it creates.
    const queue = createQueue<Queues>({
      driver: bullmqDriver({ connection: { host, port, maxRetriesPerRequest: null }, prefix }),
    });
    await queue.send('ai_tasks', { prompt: 'hi' });
    await queue.close();
    for (const call of [
      () => queue.counts('voice_tasks'),
      () => queue.deadLetters('voice_tasks'),
      () => queue.pause('voice_tasks'),
      () => queue.resume('voice_tasks'),
    ]) {
      let result: Promise<unknown> | undefined;
      expect(() => {
        result = call();
      }).not.toThrow(); // rejects, never throws synchronously
      await expect(result).rejects.toMatchObject({ code: 'ABORTED' });
    }
  });
});
