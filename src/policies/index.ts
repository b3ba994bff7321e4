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
export { compose, type ExecuteOptions } from './compose.js';
export { fallback } from './fallback.js';
