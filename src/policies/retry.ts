import type { EventSink } from '../bus/types.js';
import { isIntegrationError } from '../errors/integration-error.js';
import { systemClock } from '../internal/clock.js';
import { assertNumber, configError } from '../internal/config.js';
import { errorInfo } from '../internal/error-info.js';
import { isNetworkError } from '../internal/network-error.js';
import { abortErrorFrom, sleep } from '../internal/sleep.js';
import type { Clock, Logger, Policy, PolicyContext } from '../types.js';
import { assertBackoff, type Backoff, backoffDelay, exponential } from './backoff.js';
import type { ExecuteOptions } from './compose.js';
import { Ctx, keepAlive, neverAborted, toCtx } from './context.js';

/** Options of {@link retry}. */
export interface RetryOptions {
  /** Total attempts, the first included. @default 3 */
  maxAttempts?: number;
  /** Delay before each retry. @default exponential() */
  backoff?: Backoff;
  /**
   * Whether the error of failed attempt number `attempt` may be retried.
   * A `TypeError` that is not a fetch network error (a bug) is never retried.
   * @default error.retryable === true for library errors, and fetch network `TypeError`s
   */
  retryOn?: (error: unknown, attempt: number) => boolean;
  /** Wait an error's `retryAfterMs` (a server's `Retry-After`) instead of the backoff, capped by the backoff's `max` (30 s for `constant`). @default true */
  respectRetryAfter?: boolean;
  /** Name carried by `http.retry` events and log lines. @default 'retry' */
  name?: string;
  /** Receives an `http.retry` event before each wait. */
  bus?: EventSink;
  /** Logs each retry at `warn`. */
  logger?: Logger;
  /** Time source of the waits. @default systemClock */
  clock?: Clock;
}

// `retryable` below has already filtered `TypeError`s down to fetch network failures.
const defaultRetryOn = (error: unknown): boolean =>
  isIntegrationError(error) ? error.retryable : error instanceof TypeError;

/**
 * Retries a failing operation with backoff. Honours `Retry-After`,
 * runs once when the call is marked `idempotent: false`, and an abort cancels the wait.
 * Publishes `http.retry` before each wait; each attempt sees its number in `ctx.attempt`.
 *
 * @example
 * ```ts
 * const policy = retry({ maxAttempts: 4, backoff: exponential({ initial: 100, max: 2_000 }) });
 * const user = await policy.execute(({ signal, attempt }) => api.get('/users/1', { signal }));
 * ```
 */
export function retry(options: RetryOptions = {}): Policy {
  const maxAttempts = assertNumber('retry.maxAttempts', options.maxAttempts ?? 3, { min: 1, integer: true });
  const backoff = assertBackoff(options.backoff ?? exponential(), 'retry.backoff');
  const retryOn = options.retryOn ?? defaultRetryOn;
  if (typeof retryOn !== 'function') configError('retry.retryOn must be a function');
  const { bus, logger, respectRetryAfter = true, name = 'retry' } = options;
  const clock = keepAlive(options.clock ?? systemClock);
  const cap = backoff.type === 'exponential' ? backoff.max : Math.max(backoff.delayMs, 30_000);

  /** The rare path: the first attempt failed; waits and retries until success or a final error. */
  async function rest<T>(
    fn: (ctx: PolicyContext) => Promise<T> | T,
    opts: ExecuteOptions | undefined,
    first: Ctx,
    firstError: unknown,
  ): Promise<T> {
    let error = firstError;
    for (let attempt = 1; ; attempt++) {
      const signal = first.signal;
      if (attempt >= maxAttempts || signal.aborted || !retryable(error, attempt)) throw error;
      let delayMs = backoffDelay(backoff, attempt);
      const after = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
      if (respectRetryAfter && typeof after === 'number' && after >= 0) delayMs = Math.min(after, cap);
      const event = { name, attempt: attempt + 1, delayMs, error: errorInfo(error) };
      bus?.emit('http.retry', event);
      logger?.warn(event, 'retrying');
      // The wait is on `clock`, honours the signal, and keeps the process alive while awaited.
      await sleep(delayMs, signal === neverAborted ? undefined : signal, clock);
      try {
        return await fn(new Ctx(opts, attempt + 1, opts?.idempotent));
      } catch (next) {
        error = next;
      }
    }
  }

  /** Bugs (a `TypeError` that is not a fetch network failure) and non-errors are never retried. */
  function retryable(error: unknown, attempt: number): boolean {
    if (!(error instanceof Error) || (error instanceof TypeError && !isNetworkError(error))) return false;
    return retryOn(error, attempt);
  }

  function execute<T>(fn: (ctx: PolicyContext) => Promise<T> | T, opts?: ExecuteOptions): Promise<T> {
    const first = toCtx(opts, 1);
    const once = maxAttempts === 1 || opts?.idempotent === false;
    // Options from a caller (not a context handed down by an outer policy) may carry an aborted signal.
    if (opts && !(opts instanceof Ctx) && opts.signal?.aborted) return Promise.reject(abortErrorFrom(opts.signal));
    let result: Promise<T> | T;
    try {
      result = fn(first);
    } catch (error) {
      return once ? Promise.reject(error) : rest(fn, opts, first, error);
    }
    // Fast path: a first attempt that succeeds costs one `then`. (`Promise.resolve` returns a
    // native promise as is, and adopts other thenables.)
    const promise = Promise.resolve(result);
    return once ? promise : promise.then(undefined, (error: unknown) => rest(fn, opts, first, error));
  }
  return { execute };
}
