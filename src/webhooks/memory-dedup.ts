import { systemClock } from '../internal/clock.js';
import { assertMethods, assertNumber, assertObject } from '../internal/config.js';
import type { Clock } from '../types.js';
import { DEFAULT_DEDUP_TTL_MS, type DedupOptions, type WebhookDedupStore } from './dedup.js';

/** Options of {@link memoryDedup}. */
export interface MemoryDedupOptions extends DedupOptions {
  /** Most ids kept; the oldest are forgotten first. @default 10000 */
  max?: number;
  /** Time source. @default systemClock */
  clock?: Clock;
}

/**
 * An in-process dedup store (one instance of the app). Use `redisDedup` when several instances
 * receive the same webhooks.
 *
 * @example
 * ```ts
 * const router = createWebhookRouter({ routes, dedup: memoryDedup({ ttlMs: 86_400_000, max: 50_000 }) });
 * ```
 */
export function memoryDedup(options: MemoryDedupOptions = {}): WebhookDedupStore {
  assertObject('memoryDedup: options', options);
  assertMethods('clock', options.clock, ['now']);
  const ttlMs = assertNumber('ttlMs', options.ttlMs ?? DEFAULT_DEDUP_TTL_MS, { min: 1 });
  const pendingMs = assertNumber('pendingMs', options.pendingMs ?? 60_000, { min: 1 });
  const max = assertNumber('max', options.max ?? 10_000, { min: 1, integer: true });
  const clock = options.clock ?? systemClock;
  const entries = new Map<string, { done: boolean; expires: number }>();

  const set = (key: string, done: boolean, ms: number) => {
    entries.delete(key);
    entries.set(key, { done, expires: clock.now() + ms });
    // Map iteration is insertion order: the first key is the oldest.
    while (entries.size > max) entries.delete(entries.keys().next().value as string);
  };

  return {
    async claim(key) {
      const entry = entries.get(key);
      if (entry && entry.expires > clock.now()) return entry.done ? 'done' : 'pending';
      set(key, false, pendingMs);
      return 'new';
    },
    async commit(key) {
      set(key, true, ttlMs);
    },
    async release(key) {
      entries.delete(key);
    },
  };
}
