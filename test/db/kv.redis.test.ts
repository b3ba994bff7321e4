import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheAside } from '../../src/db/index.js';
import { redisKV } from '../../src/db/redis/index.js';
import { isStorageError } from '../../src/index.js';
import { constant, retry } from '../../src/policies/index.js';
import { describeWithService, services, uniquePrefix } from '../helpers/services.js';
import { kvContract } from './kv-contract.js';

const prefix = `${uniquePrefix('kv')}:`;
const redis = new Redis(services.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
let n = 0;

async function cleanup() {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

await describeWithService('redis', 'redisKV', () => {
  afterAll(async () => {
    await cleanup();
    redis.disconnect();
  });

  kvContract('redisKV', async () => redisKV(redis, { prefix: `${prefix}${n++}:` }));

  describe('redisKV specifics', () => {
    it('stores JSON under the prefix with a PX TTL', async () => {
      const kv = redisKV(redis, { prefix: `${prefix}raw:` });
      await kv.set('a', { x: 1 }, { ttlMs: 5000 });
      expect(await redis.get(`${prefix}raw:a`)).toBe('{"x":1}');
      const ttl = await redis.pttl(`${prefix}raw:a`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(5000);
    });

    it('works with an ioredis client that has its own keyPrefix', async () => {
      const prefixed = new Redis(services.redis.url, { keyPrefix: `${prefix}client:` });
      const kv = redisKV(prefixed, { prefix: 'app:' });
      await kv.set('a', 1);
      await kv.set('b', 2);
      expect(await redis.get(`${prefix}client:app:a`)).toBe('1');
      expect(await kv.keys()).toEqual(['a', 'b']);
      expect(await kv.getMany(['a', 'b'])).toEqual([1, 2]);
      prefixed.disconnect();
    });

    it('a foreign non-JSON value reads as StorageError', async () => {
      await redis.set(`${prefix}foreign:x`, 'not json');
      const error = await redisKV(redis, { prefix: `${prefix}foreign:` })
        .get('x')
        .catch((e) => e);
      expect(isStorageError(error)).toBe(true);
    });

    it('a closed connection is a retryable StorageError', async () => {
      const dead = new Redis({ port: 1, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      dead.on('error', () => {});
      const error = await redisKV(dead)
        .get('x')
        .catch((e: { retryable?: boolean }) => e);
      expect(isStorageError(error)).toBe(true);
      expect((error as { retryable?: boolean }).retryable).toBe(true);
      dead.disconnect();
    });

    it('runs operations through the policy (a retry sees retryable StorageErrors)', async () => {
      let retries = 0;
      const dead = new Redis({ port: 1, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      dead.on('error', () => {});
      const counting = retry({
        maxAttempts: 3,
        backoff: constant(0),
        retryOn: (e) => {
          retries++;
          return isStorageError(e) && e.retryable;
        },
      });
      await expect(redisKV(dead, { policy: counting }).get('x')).rejects.toMatchObject({ name: 'StorageError' });
      expect(retries).toBe(2); // three attempts
      dead.disconnect();
    });

    it('never echoes the connection password in errors', async () => {
      const canary = 'canary-secret-7f3a';
      const dead = new Redis({
        port: 1,
        password: canary,
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      dead.on('error', () => {});
      const error = await redisKV(dead)
        .set('x', 1)
        .catch((e: Error & { toJSON(): unknown }) => e);
      expect(isStorageError(error)).toBe(true);
      const e = error as Error & { toJSON(): unknown };
      expect(`${e.message} ${JSON.stringify(e.toJSON())} ${e.stack}`).not.toContain(canary);
      dead.disconnect();
    });

    it('cacheAside over Redis: 100 concurrent gets call the loader once', async () => {
      let loads = 0;
      const cache = cacheAside(
        redisKV(redis, { prefix: `${prefix}cache:` }),
        async (key) => {
          loads++;
          await new Promise((r) => setTimeout(r, 20));
          return { key };
        },
        { ttlMs: 10_000 },
      );
      const results = await Promise.all(Array.from({ length: 100 }, () => cache.get('hot')));
      expect(loads).toBe(1);
      expect(results.every((r) => r.key === 'hot')).toBe(true);
      await cache.get('hot');
      expect(loads).toBe(1);
    });
  });
});
