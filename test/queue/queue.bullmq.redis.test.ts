import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bullmqDriver } from '../../src/queue/bullmq/index.js';
import type { QueueDriver } from '../../src/queue/index.js';
import { describeWithService, uniquePrefix } from '../helpers/services.js';
import { queueContract } from './contract.js';
import { deletePrefix, redisClient } from './redis-cleanup.js';

await describeWithService('redis', 'queue contract: bullmqDriver', () => {
  let redis: Redis;
  const prefixes: string[] = [];
  beforeAll(() => {
    redis = redisClient();
  });
  afterAll(async () => {
    for (const prefix of prefixes) await deletePrefix(redis, prefix);
    const left = await redis.keys(`${prefixes[0]?.split('_x')[0]}*`);
    await redis.quit();
    expect(left).toEqual([]);
  });

  // A fresh prefix per test keeps each test's queues apart while sharing one connection.
  const base = uniquePrefix('queue');
  let n = 0;
  queueContract({
    makeDriver(options): QueueDriver {
      const prefix = `${base}_x${n++}`;
      prefixes.push(prefix);
      return bullmqDriver({ connection: redis, prefix, ...options });
    },
  });

  it('rejects a missing connection with CONFIG', () => {
    expect(() => bullmqDriver({} as never)).toThrow(expect.objectContaining({ code: 'CONFIG' }));
    expect(() => bullmqDriver({ connection: redis, maxStalledCount: -1 })).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
  });
});
