import type { EventSink } from '../bus/types.js';
import { isAbortError } from '../errors/abort-error.js';
import { CircuitOpenError } from '../errors/circuit-open-error.js';
import { isTimeoutError } from '../errors/timeout-error.js';
import { systemClock } from '../internal/clock.js';
import { assertNumber, assertObject, configError } from '../internal/config.js';
import { errorInfo } from '../internal/error-info.js';
import type { Clock, Logger, Policy } from '../types.js';
import { type BreakerStrategy, consecutive } from './breakers.js';
import { type Ctx, type Fail, type Ok, policy, type Run } from './context.js';
import { report } from './report.js';

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
  assertObject('circuitBreaker options', options);
  const {
    breaker = consecutive(),
    halfOpenAfter = 10_000,
    maxHalfOpenProbes = 1,
    isFailure = () => true,
    name = 'breaker',
    clock = systemClock,
  } = options;
  // No saved state (undefined or null) starts closed.
  const initial = options.initialState ?? {};
  let { state = 'closed', openedAt = clock.now() }: Partial<CircuitBreakerSnapshot> = initial;
  if (typeof breaker?.create !== 'function')
    configError('circuitBreaker.breaker must be consecutive(n) or sampling({...})');
  if (typeof isFailure !== 'function') configError('circuitBreaker.isFailure must be a function');
  assertNumber('circuitBreaker.halfOpenAfter', halfOpenAfter);
  assertNumber('circuitBreaker.maxHalfOpenProbes', maxHalfOpenProbes, { min: 1, integer: true });
  if (typeof initial !== 'object' || !/^(closed|(half-)?open)$/.test(state) || !Number.isFinite(openedAt))
    configError('circuitBreaker.initialState must come from toJSON()');
  const counter = breaker.create(clock);
  const listeners = new Set<(state: CircuitState, previous: CircuitState) => void>();
  let probes = 0;
  // Counts transitions: a probe decides only the half-open period that let it through.
  let period = 1;
  // Held open by `isolate()` (a count of unreleased isolations); the state is then 'open'.
  let isolated = 0;

  const moveTo = (next: CircuitState, error?: unknown): void => {
    const previous = state;
    if (next === previous) return;
    state = next;
    probes = 0;
    period++;
    const opened = next === 'open';
    if (opened) openedAt = clock.now();
    else if (next === 'closed') counter.reset();
    const event = opened ? 'opened' : next === 'closed' ? next : 'half_opened';
    // 'circuit breaker opened' (warn), '... closed', '... half_opened' (info)
    report(
      options,
      `breaker.${event}`,
      opened
        ? { name, retryAfterMs: halfOpenAfter, ...(error !== undefined && { error: errorInfo(error) }) }
        : { name },
      opened ? 'warn' : 'info',
      `circuit breaker ${event}`,
    );
    for (const listener of listeners) {
      try {
        listener(next, previous);
      } catch {
        // A failing listener must not break the call that caused the transition.
      }
    }
  };

  const current = (): CircuitState => {
    if (state === 'open' && !isolated && clock.now() - openedAt >= halfOpenAfter) moveTo('half-open');
    return state;
  };

  /**
   * Records the outcome of a call (`probe`: the half-open period that let it through, 0 when it
   * passed while closed), then passes it on.
   * A throwing bus, logger or strategy fails the call with its error instead.
   */
  const done = (good: boolean, value: unknown, probe: number, ctx: Ctx, ok: Ok, fail: Fail) => {
    try {
      // A probe only decides while the breaker is still in that half-open period (no transition
      // since, isolation included); a stale probe neither closes, reopens nor frees a slot.
      const decides = probe === period;
      if (good) decides ? moveTo('closed') : probe || counter.success();
      else {
        const signal = ctx.signal;
        // The caller giving up says nothing about the dependency; a timeout does.
        if (isAbortError(value) || (signal.aborted && !isTimeoutError(signal.reason)) || !isFailure(value))
          decides && probes--;
        else if (decides || (!probe && state === 'closed' && counter.failure())) moveTo('open', value);
      }
    } catch (error) {
      return fail(error);
    }
    (good ? ok : fail)(value);
  };

  const run: Run = (task, ctx, ok, fail) => {
    // `probe`: let through while not closed (half-open).
    let probe = 0;
    if (state !== 'closed') {
      if (current() === 'open' || probes >= maxHalfOpenProbes)
        return fail(
          new CircuitOpenError(`circuit breaker ${name} is ${isolated ? 'isolated' : state}`, {
            retryAfterMs:
              state === 'open' && !isolated ? Math.max(0, openedAt + halfOpenAfter - clock.now()) : halfOpenAfter,
            details: { name, state, isolated: !!isolated },
          }),
        );
      probes++;
      probe = period;
    }
    task(
      ctx,
      (value) => done(true, value, probe, ctx, ok, fail),
      (error) => done(false, error, probe, ctx, ok, fail),
    );
  };

  return {
    // A call made with an already aborted signal still runs: whether it counts depends on why.
    ...policy(run, false),
    get state() {
      return current();
    },
    onStateChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
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
    toJSON: () => ({ state: current(), openedAt }),
  };
}
