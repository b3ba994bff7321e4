import type { EventSink } from '../bus/types.js';
import { isIntegrationError } from '../errors/integration-error.js';
import { systemClock } from '../internal/clock.js';
import { assertNumber, assertObject, configError } from '../internal/config.js';
import { errorInfo } from '../internal/error-info.js';
import { isNetworkError } from '../internal/network-error.js';
import { sleep } from '../internal/sleep.js';
import type { Clock, Logger, Policy } from '../types.js';
import {
  assertBackoff,
  type Backoff,
  backoffDelay,
  type ConstantBackoff,
  DEFAULT_BACKOFF,
  type ExponentialBackoff,
} from './backoff.js';
import { Ctx, type Fail, neverAborted, type Ok, policy, type Task } from './context.js';
import { report } from './report.js';

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
  /** Wait an error's `retryAfterMs` (a server's `Retry-After`) instead of the backoff, capped by the backoff's `max` (for `constant`: 30 s, or the delay when longer). @default true */
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

// `again` below has already filtered `TypeError`s down to fetch network failures.
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
  assertObject('retry options', options);
  const {
    maxAttempts = 3,
    backoff = DEFAULT_BACKOFF,
    retryOn = defaultRetryOn,
    respectRetryAfter = true,
    name = 'retry',
    clock = systemClock,
  } = options;
  assertNumber('retry.maxAttempts', maxAttempts, { min: 1, integer: true });
  assertBackoff(backoff, 'retry.backoff');
  if (typeof retryOn !== 'function') configError('retry.retryOn must be a function');
  // A server's `Retry-After` is capped by the backoff's `max` (for `constant`: 30 s, or the delay
  // when longer, so the cap never cuts a wait below the configured one). Either is at most
  // MAX_DELAY, so no `Retry-After` makes a timer fire at once.
  const cap = (backoff as ExponentialBackoff).max ?? Math.max((backoff as ConstantBackoff).delayMs, 30_000);

  /** The rare path: failed attempt number `attempt` is retried after a wait, or its error passed on. */
  async function again(task: Task, ctx: Ctx, ok: Ok, fail: Fail, attempt: number, error: unknown): Promise<void> {
    try {
      const signal = ctx.signal;
      // Bugs (a `TypeError` that is not a fetch network failure) and non-errors are never retried.
      if (
        attempt >= maxAttempts ||
        signal.aborted ||
        !(error instanceof Error) ||
        (error instanceof TypeError && !isNetworkError(error)) ||
        !retryOn(error, attempt)
      )
        return fail(error);
      const after = (error as { retryAfterMs?: unknown }).retryAfterMs;
      const delayMs =
        respectRetryAfter && typeof after === 'number' && after >= 0
          ? Math.min(after, cap)
          : backoffDelay(backoff, attempt);
      const event = { name, attempt: ++attempt, delayMs, error: errorInfo(error) };
      report(options, 'http.retry', event, 'warn', 'retrying');
      // The wait is on `clock`, honours the signal, and keeps the process alive while awaited.
      await sleep(delayMs, signal === neverAborted ? undefined : signal, clock, true);
      task(new Ctx(ctx, attempt, ctx.idempotent), ok, (next) => again(task, ctx, ok, fail, attempt, next));
    } catch (next) {
      fail(next);
    }
  }

  return policy((task, ctx, ok, fail) =>
    // The first attempt reuses the context when it already says attempt 1: no allocation.
    task(
      ctx.attempt === 1 ? ctx : new Ctx(ctx, 1, ctx.idempotent),
      ok,
      ctx.idempotent === false ? fail : (error) => again(task, ctx, ok, fail, 1, error),
    ),
  );
}
