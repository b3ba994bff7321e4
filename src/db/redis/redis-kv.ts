import type { Redis } from 'ioredis';
import { isIntegrationError } from '../../errors/integration-error.js';
import { StorageError } from '../../errors/storage-error.js';
import { assertNumber, configError } from '../../internal/config.js';
import { assertKey, assertKeys, encodeEntries, encodeValue, ttlOf } from '../kv-utils.js';
import { type DriverOptions, withPolicy } from '../policy.js';
import type { KeyValue, SetOptions } from '../types.js';

/** Options of {@link redisKV}. */
export interface RedisKVOptions extends DriverOptions {
  /** Prepended to every key, so several stores share one Redis. @default '' */
  prefix?: string;
  /** `COUNT` hint of each `SCAN` step in `keys()`. @default 500 */
  scanCount?: number;
}

const noop = () => {};
const escapeGlob = (text: string) => text.replace(/[*?[\]\\]/g, '\\$&');
const TRANSIENT = /connection|closed|ECONNRE|ETIMEDOUT|EPIPE|max retries|LOADING|TRYAGAIN|BUSY/i;

function storageError(error: unknown, op: string): Error {
  if (isIntegrationError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new StorageError(`redis ${op} failed: ${message.slice(0, 200)}`, {
    cause: error,
    retryable: TRANSIENT.test(message),
    details: { op },
  });
}

/**
 * A {@link KeyValue} on Redis through a caller's ioredis client: JSON values, TTL via
 * `SET ... PX`, `keys()` via `SCAN` (never `KEYS`), `getMany` via `MGET`, `setMany` in one
 * `MULTI`. Redis failures become `StorageError` (`retryable` for connection faults).
 *
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * import { redisKV } from '@wawagot/integrations/db/redis';
 * const kv = redisKV(new Redis(process.env.REDIS_URL!), { prefix: 'app:' });
 * await kv.set('user:1', { name: 'Ada' }, { ttlMs: 60_000 });
 * ```
 */
export function redisKV(redis: Redis, options: RedisKVOptions = {}): KeyValue {
  if (!redis || typeof redis.get !== 'function' || typeof redis.scan !== 'function') {
    configError('redisKV needs an ioredis client');
  }
  const prefix = options.prefix ?? '';
  if (typeof prefix !== 'string') configError('prefix must be a string');
  const scanCount = assertNumber('scanCount', options.scanCount ?? 500, { min: 1, integer: true });
  const full = (key: string) => prefix + assertKey(key);

  const parse = <T>(key: string, text: string | null): T | undefined => {
    if (text === null) return undefined;
    try {
      return JSON.parse(text) as T;
    } catch (cause) {
      throw new StorageError(`redis value of "${key.slice(0, 100)}" is not JSON`, { cause, details: { op: 'get' } });
    }
  };
  // Every Redis operation here is idempotent (SET overwrites), so a policy may retry any.
  // Without a policy this stays one promise deep: it is the hot path.
  const attempt = <T>(op: string, fn: () => Promise<T>): Promise<T> => {
    const run = () =>
      fn().then(undefined, (error: unknown) => {
        throw storageError(error, op);
      });
    return withPolicy(options.policy, true, run);
  };

  return {
    // get/set are the hot path: plain functions returning one promise chain.
    get<T>(key: string): Promise<T | undefined> {
      let k: string;
      try {
        k = full(key);
      } catch (error) {
        return Promise.reject(error);
      }
      const read = (text: string | null) => parse<T>(key, text);
      if (options.policy) return attempt('get', () => redis.get(k)).then(read);
      return redis.get(k).then(read, (error: unknown) => {
        throw storageError(error, 'get');
      });
    },
    set(key: string, value: unknown, opts?: SetOptions): Promise<void> {
      let write: () => Promise<unknown>;
      try {
        const k = full(key);
        const ttl = ttlOf(opts);
        const json = encodeValue(key, value);
        write = ttl === undefined ? () => redis.set(k, json) : () => redis.set(k, json, 'PX', ttl);
      } catch (error) {
        return Promise.reject(error);
      }
      if (options.policy) return attempt('set', write).then(noop);
      return write().then(noop, (error: unknown) => {
        throw storageError(error, 'set');
      });
    },
    async delete(key: string) {
      const k = full(key);
      return (await attempt('delete', () => redis.del(k))) > 0;
    },
    async has(key: string) {
      const k = full(key);
      return (await attempt('has', () => redis.exists(k))) > 0;
    },
    async keys(keyPrefix = '') {
      if (typeof keyPrefix !== 'string') configError('keys(prefix) expects a string');
      // ioredis adds its own `keyPrefix` to keys but not to SCAN patterns nor to SCAN results.
      const clientPrefix = (redis.options as { keyPrefix?: string } | undefined)?.keyPrefix ?? '';
      const match = `${escapeGlob(clientPrefix + prefix + keyPrefix)}*`;
      const found = new Set<string>();
      await attempt('keys', async () => {
        let cursor = '0';
        do {
          const [next, batch] = await redis.scan(cursor, 'MATCH', match, 'COUNT', scanCount);
          cursor = next;
          for (const k of batch) found.add(k.slice(clientPrefix.length + prefix.length));
        } while (cursor !== '0');
      });
      return [...found].sort();
    },
    async getMany<T>(keys: readonly string[]) {
      if (assertKeys(keys).length === 0) return [];
      const ks = keys.map(full);
      const values = await attempt('getMany', () => redis.mget(...ks));
      return values.map((text, i) => parse<T>(keys[i] as string, text));
    },
    async setMany(entries, opts?: SetOptions) {
      const ttl = ttlOf(opts);
      const encoded = encodeEntries(entries);
      if (encoded.length === 0) return;
      // A fresh MULTI per attempt: ioredis hands a re-executed pipeline's first result back.
      const results = await attempt('setMany', () => {
        const multi = redis.multi();
        for (const [key, json] of encoded) {
          if (ttl === undefined) multi.set(prefix + key, json);
          else multi.set(prefix + key, json, 'PX', ttl);
        }
        return multi.exec();
      });
      const failed = results?.find(([error]) => error);
      if (!results || failed) throw storageError(failed?.[0] ?? new Error('transaction aborted'), 'setMany');
    },
  };
}
