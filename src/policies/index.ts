/**
 * Resilience policies sharing one interface, `execute(fn, { signal })`, combined with `compose`.
 *
 * @example
 * ```ts
 * import { compose, retry, circuitBreaker, timeout, exponential, consecutive } from '@wawagot/integrations/policies';
 * const policy = compose(timeout(5_000), retry({ maxAttempts: 3, backoff: exponential() }),
 *   circuitBreaker({ breaker: consecutive(5), halfOpenAfter: 10_000 }));
 * ```
 * @module
 */

export type { Policy, PolicyContext } from '../types.js';
export {
  assertBackoff,
  type Backoff,
  backoffDelay,
  type ConstantBackoff,
  constant,
  type ExponentialBackoff,
  exponential,
} from './backoff.js';
export {
  type BreakerCounter,
  type BreakerStrategy,
  consecutive,
  type SamplingOptions,
  sampling,
} from './breakers.js';
export { type BulkheadOptions, type BulkheadPolicy, bulkhead } from './bulkhead.js';
export {
  type CircuitBreakerOptions,
  type CircuitBreakerPolicy,
  type CircuitBreakerSnapshot,
  type CircuitState,
  circuitBreaker,
} from './circuit-breaker.js';
export { compose, type ExecuteOptions } from './compose.js';
export { fallback } from './fallback.js';
export { type RateLimitOptions, rateLimit } from './rate-limit.js';
export { type RetryOptions, retry } from './retry.js';
export { type TimeoutOptions, timeout } from './timeout.js';
