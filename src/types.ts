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
  execute<T>(fn: (ctx: PolicyContext) => Promise<T> | T, opts?: { signal?: AbortSignal | undefined }): Promise<T>;
}

/** A structured logger; pino, bunyan-style and console adapters all fit. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * The only source of time for everything that waits. Inject a test clock to advance time
 * instead of sleeping.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Options every client factory of the library accepts. */
export interface CommonOptions {
  /** Name used in events and log lines. */
  name?: string;
  /** Resilience policy wrapped around each operation. */
  policy?: Policy;
  /** Bus receiving the library's {@link SystemEvents}. */
  bus?: EventSink;
  /** Structured logger. */
  logger?: Logger;
  /** Time source. @default systemClock */
  clock?: Clock;
}
