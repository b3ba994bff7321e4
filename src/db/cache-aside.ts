import { IntegrationError } from '../errors/integration-error.js';
import { systemClock } from '../internal/clock.js';
import { assertNumber, configError } from '../internal/config.js';
import { errorInfo } from '../internal/error-info.js';
import type { Clock, Logger } from '../types.js';
import { assertKey } from './kv-utils.js';
import type { KeyValue } from './types.js';

/** Options of {@link cacheAside}. */
export interface CacheAsideOptions {
  /** How long a loaded value is fresh, in milliseconds. */
  ttlMs: number;
  /**
   * After `ttlMs`, keep serving the stale value for this long while one background load
   * refreshes it. @default 0 (a stale value is a miss)
   */
  staleWhileRevalidateMs?: number;
  /** Time source for freshness. @default systemClock */
  clock?: Clock;
  /** Receives failed background refreshes at `warn`. */
  logger?: Logger;
  /** Name used in log lines. @default 'cache' */
  name?: string;
}

/** A read-through cache over a {@link KeyValue}. */
export interface CacheAside<T> {
  /** The cached value, loading it (once, however many callers wait) on a miss. */
  get(key: string): Promise<T>;
  /** Loads now and stores the result, whatever the cache holds. */
  refresh(key: string): Promise<T>;
  /** Removes the cached value. */
  invalidate(key: string): Promise<void>;
}

interface Stored<T> {
  v: T;
  /** Fresh until this time (clock ms). */
  f: number;
}

/**
 * Cache-aside (read-through) over any {@link KeyValue}: a miss calls `loader`, stores its
 * result with `ttlMs` and returns it. Concurrent gets of one key share a single read and a
 * single load (no stampede). With `staleWhileRevalidateMs`, a stale value is served while one
 * background load refreshes it. Loader errors reach the caller unchanged and are not cached.
 *
 * @example
 * ```ts
 * const users = cacheAside(memoryKV(), (id) => db.users.find(id), { ttlMs: 60_000, staleWhileRevalidateMs: 300_000 });
 * const user = await users.get('42');
 * ```
 */
export function cacheAside<T>(
  kv: KeyValue,
  loader: (key: string) => Promise<T> | T,
  options: CacheAsideOptions,
): CacheAside<T> {
  if (!kv || typeof kv.get !== 'function' || typeof kv.set !== 'function') configError('cacheAside needs a KeyValue');
  if (typeof loader !== 'function') configError('cacheAside needs a loader function');
  const ttlMs = assertNumber('ttlMs', options?.ttlMs, { min: 1, integer: true });
  const swrMs = assertNumber('staleWhileRevalidateMs', options.staleWhileRevalidateMs ?? 0, { min: 0, integer: true });
  const clock = options.clock ?? systemClock;
  const name = options.name ?? 'cache';
  const pending = new Map<string, Promise<T>>();
  const refreshing = new Map<string, Promise<T>>();

  async function load(key: string): Promise<T> {
    const value = await loader(key);
    if (value === undefined) {
      throw new IntegrationError('cacheAside loader returned undefined; return null to cache "no value"', {
        code: 'NOT_SERIALIZABLE',
      });
    }
    await kv.set(key, { v: value, f: clock.now() + ttlMs } satisfies Stored<T>, { ttlMs: ttlMs + swrMs });
    return value;
  }

  function refresh(key: string): Promise<T> {
    assertKey(key);
    let running = refreshing.get(key);
    if (!running) {
      running = load(key).finally(() => refreshing.delete(key));
      refreshing.set(key, running);
    }
    return running;
  }

  async function read(key: string): Promise<T> {
    const stored = await kv.get<Stored<T>>(key);
    if (stored && typeof stored === 'object' && 'f' in stored) {
      if (stored.f > clock.now()) return stored.v;
      if (swrMs > 0) {
        refresh(key).catch((error: unknown) =>
          options.logger?.warn({ cache: name, key, error: errorInfo(error) }, 'background refresh failed'),
        );
        return stored.v;
      }
    }
    return refresh(key);
  }

  return {
    get(key) {
      assertKey(key);
      let running = pending.get(key);
      if (!running) {
        running = read(key).finally(() => pending.delete(key));
        pending.set(key, running);
      }
      return running;
    },
    refresh,
    async invalidate(key) {
      await kv.delete(assertKey(key));
    },
  };
}
