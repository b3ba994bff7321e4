import { assertNumber, assertObject, configError } from '../internal/config.js';
import { DEFAULT_DEDUP_TTL_MS, type DedupOptions, type WebhookDedupStore } from './dedup.js';

/** The part of an ioredis client `redisDedup` uses. */
export interface DedupRedisClient {
  /** `SET key value PX ms NX`: `'OK'` when set, `null` when the key exists. */
  set(key: string, value: string, px: 'PX', ms: number, nx: 'NX'): Promise<'OK' | null>;
  /** `SET key value PX ms`. */
  set(key: string, value: string, px: 'PX', ms: number): Promise<'OK' | null>;
  /** `GET key`. */
  get(key: string): Promise<string | null>;
  /** `DEL key`. */
  del(key: string): Promise<number>;
}

/** Options of {@link redisDedup}. */
export interface RedisDedupOptions extends DedupOptions {
  /** Key prefix. @default 'webhooks:dedup:' */
  prefix?: string;
}

/**
 * A dedup store in Redis, shared by every instance of the app: `SET key pending NX PX` claims a
 * delivery atomically, `SET key done PX ttlMs` remembers it once accepted, `DEL` releases it.
 * The client (ioredis) is injected.
 *
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * const dedup = redisDedup(new Redis(process.env.REDIS_URL), { ttlMs: 86_400_000, prefix: 'myapp:webhooks:' });
 * ```
 */
export function redisDedup(redis: DedupRedisClient, options: RedisDedupOptions = {}): WebhookDedupStore {
  if (typeof redis?.set !== 'function' || typeof redis.get !== 'function' || typeof redis.del !== 'function') {
    configError('redisDedup: pass an ioredis client');
  }
  assertObject('redisDedup: options', options);
  const ttlMs = assertNumber('ttlMs', options.ttlMs ?? DEFAULT_DEDUP_TTL_MS, { min: 1, integer: true });
  const pendingMs = assertNumber('pendingMs', options.pendingMs ?? 60_000, { min: 1, integer: true });
  const prefix = options.prefix ?? 'webhooks:dedup:';
  if (typeof prefix !== 'string') configError('redisDedup: prefix must be a string');

  return {
    async claim(key) {
      // Two rounds: a claim that expires between SET NX and GET is simply taken again.
      for (let round = 0; round < 2; round++) {
        if ((await redis.set(prefix + key, 'pending', 'PX', pendingMs, 'NX')) === 'OK') return 'new';
        const state = await redis.get(prefix + key);
        if (state !== null) return state === 'done' ? 'done' : 'pending';
      }
      return 'pending';
    },
    async commit(key) {
      await redis.set(prefix + key, 'done', 'PX', ttlMs);
    },
    async release(key) {
      await redis.del(prefix + key);
    },
  };
}
