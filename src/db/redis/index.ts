/**
 * Redis driver of `KeyValue`, over a caller's ioredis client (optional peer `ioredis`).
 *
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * import { redisKV } from '@wawagot/integrations/db/redis';
 * const kv = redisKV(new Redis(), { prefix: 'app:' });
 * ```
 * @module
 */
export { type RedisKVOptions, redisKV } from './redis-kv.js';
