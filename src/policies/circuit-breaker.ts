import type { EventSink } from '../bus/types.js';
import { isAbortError } from '../errors/abort-error.js';
import { CircuitOpenError } from '../errors/circuit-open-error.js';
import { isTimeoutError } from '../errors/timeout-error.js';
import { systemClock } from '../internal/clock.js';
import { assertNumber, configError } from '../internal/config.js';
import { errorInfo } from '../internal/error-info.js';
import type { Clock, Logger, Policy } from '../types.js';
import { type BreakerStrategy, consecutive } from './breakers.js';
import { executor, RUN, type Run, type Runnable } from './context.js';

/** `'closed'`: calls pass; `'open'`: calls fail fast; `'half-open'`: a few probe calls pass. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** A breaker's persistable state, from `toJSON()`, accepted back as `initialState`. */
export interface CircuitBreakerSnapshot {
  state: CircuitState;
  /** When the breaker last opened (clock ms); it half-opens `halfOpenAfter` later. */
  openedAt?: number;
}

/** Options of {@link circuitBreaker}. */
export interface CircuitBreakerOptions {
  /** When to open. @default consecutive(5) */
  breaker?: BreakerStrategy;
  /** How long the breaker stays open before letting probes through, in ms. @default 10000 */
  halfOpenAfter?: number;
  /** Probe calls allowed at once while half-open. @default 1 */
  maxHalfOpenProbes?: number;
  /** Which errors count as failures. Aborts by the caller never do. @default every error */
  isFailure?: (error: unknown) => boolean;
  /** State to start from, e.g. a `toJSON()` saved by another process. */
  initialState?: CircuitBreakerSnapshot;
  /** Name carried by `breaker.*` events and log lines. @default 'breaker' */
  name?: string;
  /** Receives `breaker.opened`, `breaker.half_opened` and `breaker.closed`. */
  bus?: EventSink;
  /** Logs transitions (`warn` when opening, `info` otherwise). */
  logger?: Logger;
  /** Time source. @default systemClock */
  clock?: Clock;
}

/** A circuit breaker: a {@link Policy} with a state you can watch, force open and persist. */
export interface CircuitBreakerPolicy extends Policy {
  /** The current state. */
  readonly state: CircuitState;
  /** Calls `listener` on every transition; returns the unsubscribe function. */
  onStateChange(listener: (state: CircuitState, previous: CircuitState) => void): () => void;
  /** Holds the breaker open (calls fail fast) until the returned function is called. */
  isolate(): () => void;
  /** The persistable state. */
  toJSON(): CircuitBreakerSnapshot;
}

/**
 * Fails calls fast while a dependency is failing. Opens when its `breaker` strategy says so,
 * lets `maxHalfOpenProbes` probe calls through after `halfOpenAfter`, and closes again on a
 * successful probe. Open (or probes taken) → `CircuitOpenError` with `retryAfterMs`.
 *
 * @example
 * ```ts
 * const breaker = circuitBreaker({ name: 'llm', breaker: consecutive(5), halfOpenAfter: 10_000, bus });
 * breaker.onStateChange((state) => console.log('llm breaker', state));
 * await breaker.execute(() => llm.complete(prompt));
 * ```
 */
export function circuitBreaker(options: CircuitBreakerOptions = {}): CircuitBreakerPolicy {
  const strategy = options.breaker === undefined ? consecutive() : options.breaker;
  if (typeof strategy?.create !== 'function')
    configError('circuitBreaker.breaker must be consecutive(n) or sampling({...})');
  const halfOpenAfter = assertNumber('circuitBreaker.halfOpenAfter', options.halfOpenAfter ?? 10_000);
  const maxProbes = assertNumber('circuitBreaker.maxHalfOpenProbes', options.maxHalfOpenProbes ?? 1, {
    min: 1,
    integer: true,
  });
  const { bus, logger, isFailure, name = 'breaker', clock = systemClock, initialState: initial } = options;
  if (
    initial !== undefined &&
    (!/^(closed|open|half-open)$/.test(initial?.state) ||
      (initial.openedAt !== undefined && !Number.isFinite(initial.openedAt)))
  )
    configError('circuitBreaker.initialState must come from a breaker toJSON()');
  const counter = strategy.create(clock);
  const listeners = new Set<(state: CircuitState, previous: CircuitState) => void>();
  let state: CircuitState = initial?.state ?? 'closed';
  let openedAt = initial?.openedAt ?? clock.now();
  let probes = 0;
  let isolated = 0;

  function moveTo(next: CircuitState, error?: unknown): void {
    const previous = state;
    if (next === previous) return;
    state = next;
    probes = 0;
    if (next === 'open') openedAt = clock.now();
    else if (next === 'closed') counter.reset();
    const opened = next === 'open';
    const type = opened ? 'breaker.opened' : next === 'closed' ? 'breaker.closed' : 'breaker.half_opened';
    const data = opened
      ? { name, retryAfterMs: halfOpenAfter, ...(error === undefined ? {} : { error: errorInfo(error) }) }
      : { name };
    bus?.emit(type, data);
    // 'circuit breaker opened', '... closed', '... half_opened'
    logger?.[opened ? 'warn' : 'info'](data, `circuit breaker ${type.slice(8)}`);
    for (const listener of listeners) {
      try {
        listener(next, previous);
      } catch {
        // A failing listener must not break the call that caused the transition.
      }
    }
  }

  function current(): CircuitState {
    if (state === 'open' && !isolated && clock.now() - openedAt >= halfOpenAfter) moveTo('half-open');
    return state;
  }

  const run: Run = (task, ctx, ok, fail) => {
    // A probe is a call let through while half-open.
    let probe = false;
    if (state !== 'closed' || isolated) {
      if (isolated || current() === 'open' || probes >= maxProbes)
        return fail(
          new CircuitOpenError(`circuit breaker ${name} is ${isolated ? 'isolated' : state}`, {
            retryAfterMs:
              state === 'open' && !isolated ? Math.max(0, openedAt + halfOpenAfter - clock.now()) : halfOpenAfter,
            details: { name, state, isolated: isolated > 0 },
          }),
        );
      probe = true;
      probes++;
    }
    // The outcome is recorded before it is passed on; a throwing bus or logger fails the call.
    task(
      ctx,
      (value) => {
        try {
          // A probe only decides while the breaker is still the half-open one that let it through.
          if (!probe) counter.success();
          else if (state === 'half-open' && !isolated) moveTo('closed');
        } catch (error) {
          return fail(error);
        }
        ok(value);
      },
      (error) => {
        try {
          const signal = ctx.signal;
          // The caller giving up says nothing about the dependency; a timeout does.
          const neutral =
            isAbortError(error) ||
            (signal.aborted && !isTimeoutError(signal.reason)) ||
            (isFailure !== undefined && !isFailure(error));
          if (probe) {
            if (state === 'half-open' && !isolated) neutral ? probes-- : moveTo('open', error);
          } else if (!neutral && state === 'closed' && counter.failure()) moveTo('open', error);
        } catch (next) {
          return fail(next);
        }
        fail(error);
      },
    );
  };

  return {
    [RUN]: run,
    execute: executor(run),
    get state() {
      return isolated ? 'open' : current();
    },
    onStateChange(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    isolate() {
      if (!isolated++) moveTo('open');
      let released = false;
      return () => {
        if (!released) {
          released = true;
          if (!--isolated) moveTo('closed');
        }
      };
    },
    toJSON: () => ({ state: isolated ? 'open' : current(), openedAt }),
  } as CircuitBreakerPolicy & Runnable;
}
