import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { EventSink } from './bus/types.js';

export type { StandardSchemaV1 };

/** What a policy passes to the function it runs. */
export interface PolicyContext {
  /** Aborted when the caller aborts or an outer policy (such as `timeout`) gives up. */
  signal: AbortSignal;
  /** 1 for the first try, 2 for the first retry, ... */
  attempt: number;
}

/**
 * One resilience strategy (retry, breaker, timeout, rate limit, bulkhead, fallback) or a
 * composition of several. Every client of the library accepts one as its `policy` option.
 *
 * @example
 * ```ts
 * const data = await policy.execute(({ signal }) => fetch(url, { signal }).then((r) => r.json()));
 * ```
 */
export interface Policy {
  /** Runs `fn` under the policy; `opts.signal` cancels it (and any wait) with `AbortError`. */
  execute<T>(fn: (ctx: PolicyContext) => Promise<T> | T, opts?: { signal?: AbortSignal | undefined }): Promise<T>;
}

/** A structured logger; pino, bunyan-style and console adapters all fit. */
export interface Logger {
  /** Detailed diagnostics. */
  debug(obj: object, msg?: string): void;
  /** Normal operation. */
  info(obj: object, msg?: string): void;
  /** Something failed but was handled (a retry, a rejected webhook). */
  warn(obj: object, msg?: string): void;
  /** Something failed for good. */
  error(obj: object, msg?: string): void;
}

/**
 * The only source of time for everything that waits. Inject a test clock to advance time
 * instead of sleeping.
 */
export interface Clock {
  /** Current time in epoch milliseconds. */
  now(): number;
  /** Calls `fn` once after `ms`; returns a handle for `clearTimeout`. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a timer created by this clock's `setTimeout`. */
  clearTimeout(handle: unknown): void;
}

/** Options every client factory of the library accepts. */
export interface CommonOptions {
  /** Name used in events and log lines. */
  name?: string;
  /** Resilience policy wrapped around each operation. */
  policy?: Policy;
  /** Bus receiving the library's system events (`http.retry`, `breaker.opened`, ...). */
  bus?: EventSink;
  /** Structured logger. */
  logger?: Logger;
  /** Time source. @default systemClock */
  clock?: Clock;
}
