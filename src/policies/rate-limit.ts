import { RateLimitError } from '../errors/rate-limit-error.js';
import { systemClock } from '../internal/clock.js';
import { assertNumber, configError } from '../internal/config.js';
import { abortErrorFrom, keepAlive } from '../internal/sleep.js';
import type { Clock, Policy, PolicyContext } from '../types.js';
import type { ExecuteOptions } from './compose.js';
import { neverAborted, toCtx } from './context.js';
import { assertTask } from './options.js';

/** Options of {@link rateLimit}. */
export interface RateLimitOptions {
  /** Calls allowed per interval; also the burst size (the bucket starts full). */
  limit: number;
  /** Length of the interval in ms; tokens refill continuously over it. */
  intervalMs: number;
  /** `'wait'` queues calls (FIFO) until a token is free; `'reject'` throws `RateLimitError`. @default 'wait' */
  mode?: 'wait' | 'reject';
  /** Most calls waiting in `'wait'` mode; more are rejected with `RateLimitError`. @default 10000 */
  maxQueue?: number;
  /** Time source. @default systemClock */
  clock?: Clock;
}

interface Waiter {
  go: () => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/**
 * A token bucket: at most `limit` calls per `intervalMs`, bursts up to `limit`. In `'wait'` mode
 * calls queue in order and an abort takes a call out of the queue; in `'reject'` mode a call
 * without a token fails with `RateLimitError` carrying `retryAfterMs`.
 *
 * @example
 * ```ts
 * const limiter = rateLimit({ limit: 10, intervalMs: 1_000 }); // 10 requests per second
 * await limiter.execute(() => api.post('/messages', { json }));
 * ```
 */
export function rateLimit(options: RateLimitOptions): Policy {
  const limit = assertNumber('rateLimit.limit', options?.limit, { min: 1, integer: true });
  const intervalMs = assertNumber('rateLimit.intervalMs', options.intervalMs, { min: 1, max: 2_147_483_647 });
  const maxQueue = assertNumber('rateLimit.maxQueue', options.maxQueue ?? 10_000, { integer: true });
  const { mode = 'wait' } = options;
  const clock = options.clock ?? systemClock;
  if (mode !== 'wait' && mode !== 'reject')
    configError(`rateLimit.mode must be 'wait' or 'reject', got ${String(mode)}`);
  // Counted in token-milliseconds (a token is `intervalMs` units, each ms adds `limit` units),
  // so integer clocks give exact arithmetic.
  const full = limit * intervalMs;
  const waiters = new Set<Waiter>();
  let units = full;
  let last = clock.now();
  let timer: unknown;

  const refill = () => {
    const now = clock.now();
    units = Math.min(full, units + (now - last) * limit);
    last = now;
  };
  const msUntilToken = () => Math.max(1, Math.ceil((intervalMs - units) / limit));
  // Queued calls are awaited: their timer keeps the process alive (exiting would drop them).
  const schedule = () => {
    timer = clock.setTimeout(drain, msUntilToken());
    keepAlive(timer);
  };

  function drain(): void {
    timer = undefined;
    refill();
    for (const waiter of waiters) {
      if (units < intervalMs) break;
      units -= intervalMs;
      waiters.delete(waiter);
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.go();
    }
    if (waiters.size) schedule();
  }

  function acquire(signal: AbortSignal | undefined): Promise<void> | undefined {
    if (signal?.aborted) return Promise.reject(abortErrorFrom(signal));
    refill();
    if (!waiters.size && units >= intervalMs) {
      units -= intervalMs;
      return undefined;
    }
    if (mode === 'reject' || waiters.size >= maxQueue) {
      const retryAfterMs = msUntilToken() + (waiters.size * intervalMs) / limit;
      return Promise.reject(
        new RateLimitError(`rate limit of ${limit} per ${intervalMs} ms reached`, {
          retryAfterMs: Math.ceil(retryAfterMs),
          details: { limit, intervalMs },
        }),
      );
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        go: resolve,
        signal,
        onAbort() {
          waiters.delete(waiter);
          if (!waiters.size && timer !== undefined) {
            clock.clearTimeout(timer);
            timer = undefined;
          }
          reject(abortErrorFrom(signal as AbortSignal));
        },
      };
      waiters.add(waiter);
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      if (timer === undefined) schedule();
    });
  }

  return {
    async execute<T>(fn: (ctx: PolicyContext) => Promise<T> | T, opts?: ExecuteOptions): Promise<T> {
      assertTask(fn, opts?.signal);
      const ctx = toCtx(opts);
      const signal = opts?.signal === neverAborted ? undefined : opts?.signal;
      const wait = acquire(signal);
      if (wait) await wait;
      return fn(ctx);
    },
  };
}
