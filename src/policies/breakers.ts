import { assertNumber, assertObject } from '../internal/config.js';
import type { Clock } from '../types.js';

/** The failure counter of one circuit breaker, created from a {@link BreakerStrategy}. */
export interface BreakerCounter {
  /** Records a success. */
  success(): void;
  /** Records a failure; returns true when the breaker should open. */
  failure(): boolean;
  /** Forgets everything (the breaker closed again). */
  reset(): void;
}

/** When a circuit breaker opens: {@link consecutive} or {@link sampling}. */
export interface BreakerStrategy {
  readonly kind: string;
  /** Creates the counter of one breaker; strategies can be shared between breakers. */
  create(clock: Clock): BreakerCounter;
}

/**
 * Opens the breaker after `threshold` failures in a row; any success resets the count.
 *
 * @example
 * ```ts
 * circuitBreaker({ breaker: consecutive(5), halfOpenAfter: 10_000 });
 * ```
 */
export function consecutive(threshold = 5): BreakerStrategy {
  assertNumber('consecutive(threshold)', threshold, { min: 1, integer: true });
  return {
    kind: 'consecutive',
    create() {
      let failures = 0;
      return {
        success: () => {
          failures = 0;
        },
        failure: () => ++failures >= threshold,
        reset: () => {
          failures = 0;
        },
      };
    },
  };
}

/** Options of {@link sampling}. */
export interface SamplingOptions {
  /** Failure ratio in (0, 1] that opens the breaker. @default 0.5 */
  threshold?: number;
  /** Length of the sliding window, in ms. @default 30000 */
  windowMs?: number;
  /** Calls needed in the window before the ratio counts. @default 10 */
  minThroughput?: number;
}

const BUCKETS = 10;

/**
 * Opens the breaker when, over the last `windowMs`, at least `minThroughput` calls were made
 * and the share of failures reached `threshold`. The window slides in tenths of `windowMs`.
 *
 * @example
 * ```ts
 * circuitBreaker({ breaker: sampling({ threshold: 0.2, windowMs: 60_000, minThroughput: 20 }), halfOpenAfter: 30_000 });
 * ```
 */
export function sampling(options: SamplingOptions = {}): BreakerStrategy {
  assertObject('sampling options', options);
  const threshold = assertNumber('sampling.threshold', options.threshold ?? 0.5, { min: Number.MIN_VALUE, max: 1 });
  const windowMs = assertNumber('sampling.windowMs', options.windowMs ?? 30_000, { min: 1 });
  const minThroughput = assertNumber('sampling.minThroughput', options.minThroughput ?? 10, { min: 1, integer: true });
  const width = windowMs / BUCKETS;
  return {
    kind: 'sampling',
    create(clock) {
      // Ring of buckets: [bucket start index, successes, failures] per slot.
      let ring: Array<[number, number, number]> = [];
      const bucket = () => {
        const index = Math.floor(clock.now() / width);
        const slot = index % BUCKETS;
        let b = ring[slot];
        if (!b || b[0] !== index) ring[slot] = b = [index, 0, 0];
        return b;
      };
      return {
        success: () => {
          bucket()[1]++;
        },
        failure: () => {
          const current = bucket();
          current[2]++;
          let total = 0;
          let failed = 0;
          for (const b of ring) {
            if (b && current[0] - b[0] < BUCKETS) {
              total += b[1] + b[2];
              failed += b[2];
            }
          }
          return total >= minThroughput && failed / total >= threshold;
        },
        reset: () => {
          ring = [];
        },
      };
    },
  };
}
