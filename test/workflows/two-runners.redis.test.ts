import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { redisStore } from '../../src/workflows/redis/index.js';
import { describeWithService, services, uniquePrefix } from '../helpers/services.js';
import { runTwoRunners } from './two-runners-scenario.js';

await describeWithService('redis', 'two workflow runners on one Redis store', () => {
  const redis = new Redis(services.redis.url);
  const prefix = uniquePrefix('wftwo');
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });
  it('completes 500 runs exactly once each, never overwriting a step result', async () => {
    const report = await runTwoRunners(redisStore(redis, { prefix }));
    expect(report.compared).toBe(1500);
  }, 90_000);
});
