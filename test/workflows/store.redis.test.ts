import { Redis } from 'ioredis';
import { redisStore } from '../../src/workflows/redis/index.js';
import { describeWithService, services, uniquePrefix } from '../helpers/services.js';
import { storeContract } from './store-contract.js';

await describeWithService('redis', 'workflows redisStore', () => {
  storeContract('redisStore', async () => {
    const redis = new Redis(services.redis.url);
    const prefix = uniquePrefix('wfstore');
    return {
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
