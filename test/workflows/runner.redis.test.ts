import { Redis } from 'ioredis';
import { redisStore } from '../../src/workflows/redis/index.js';
import { describeWithService, services, uniquePrefix } from '../helpers/services.js';
import { runnerContract } from './runner-contract.js';

await describeWithService('redis', 'workflow runner on Redis', () => {
  runnerContract('redisStore', async () => {
    const redis = new Redis(services.redis.url);
    const prefix = uniquePrefix('wfrun');
    return {
      settleMs: 40,
      store: redisStore(redis, { prefix }),
      realTimeLeases: true,
      async cleanup() {
        const keys = await redis.keys(`${prefix}:*`);
        if (keys.length) await redis.del(...keys);
        redis.disconnect();
      },
    };
  });
});
