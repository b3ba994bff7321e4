import { systemClock } from '../internal/clock.js';
import { assertMethods, assertNumber, assertObject } from '../internal/config.js';
import type { Clock } from '../types.js';
import { assertKey, assertKeys, encodeEntries, encodeValue, ttlOf } from './kv-utils.js';
import type { KeyValue, SetOptions } from './types.js';

/** Options of {@link memoryKV}. */
export interface MemoryKVOptions {
  /** Maximum number of entries; the least recently used is evicted beyond it. @default 10_000 */
  max?: number;
  /** Time source for TTLs. @default systemClock */
  clock?: Clock;
}

interface Entry {
  json: string;
  expiresAt: number | undefined;
}

/**
 * An in-process, LRU-bounded {@link KeyValue}. Values are stored as JSON text, so what you
 * read back is a copy, exactly as with Redis or files.
 *
 * @example
 * ```ts
 * const kv = memoryKV({ max: 1000 });
 * await kv.set('greeting', 'hi', { ttlMs: 5_000 });
 * ```
 */
export function memoryKV(options: MemoryKVOptions = {}): KeyValue {
  assertObject('memoryKV options', options);
  assertMethods('memoryKV: clock', options.clock, ['now']);
  const max = assertNumber('max', options.max ?? 10_000, { min: 1, integer: true });
  const clock = options.clock ?? systemClock;
  const map = new Map<string, Entry>();

  const live = (key: string): Entry | undefined => {
    const entry = map.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= clock.now()) {
      map.delete(key);
      return undefined;
    }
    return entry;
  };
  const read = <T>(key: string): T | undefined => {
    const entry = live(assertKey(key));
    if (!entry) return undefined;
    map.delete(key); // refresh recency
    map.set(key, entry);
    return JSON.parse(entry.json) as T;
  };
  const write = (key: string, json: string, ttlMs: number | undefined): void => {
    map.delete(key);
    map.set(key, { json, expiresAt: ttlMs === undefined ? undefined : clock.now() + ttlMs });
    while (map.size > max) {
      const oldest = map.keys().next().value as string;
      map.delete(oldest);
    }
  };

  return {
    async get<T>(key: string) {
      return read<T>(key);
    },
    async set(key: string, value: unknown, opts?: SetOptions) {
      assertKey(key);
      const ttl = ttlOf(opts);
      write(key, encodeValue(key, value), ttl);
    },
    async delete(key: string) {
      const existed = live(assertKey(key)) !== undefined;
      map.delete(key);
      return existed;
    },
    async has(key: string) {
      return live(assertKey(key)) !== undefined;
    },
    async keys(prefix = '') {
      return [...map.keys()].filter((k) => k.startsWith(prefix) && live(k) !== undefined).sort();
    },
    async getMany<T>(keys: readonly string[]) {
      return assertKeys(keys).map((k) => read<T>(k));
    },
    async setMany(entries, opts?: SetOptions) {
      const ttl = ttlOf(opts);
      for (const [key, json] of encodeEntries(entries)) write(key, json, ttl);
    },
  };
}
