import { Redis } from 'ioredis';
import { services } from '../helpers/services.js';

/** A Redis client suitable for BullMQ (blocking commands need `maxRetriesPerRequest: null`). */
export function redisClient(): Redis {
  return new Redis(services.redis.url, { maxRetriesPerRequest: null });
}

/** Deletes every key under `prefix:` (BullMQ keys are `<prefix>:<queue>:...`). */
export async function deletePrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}
