import { configError } from '../internal/config.js';
import type { Policy } from '../types.js';
import { policy, type Run, runOf } from './context.js';

/** Options passed through nested policies: the signal and the attempt number of an outer retry. */
export interface ExecuteOptions {
  signal?: AbortSignal | undefined;
  /** Set by an outer `retry` so inner policies report the right attempt. */
  attempt?: number;
  /**
   * `false` when the operation must not be repeated (a POST without an idempotency key):
   * `retry` then runs it once. Passed through every composed policy.
   */
  idempotent?: boolean;
}

/**
 * Nests policies: the first is outermost. `compose(timeout(5000), retry(...), circuitBreaker(...))`
 * gives every attempt together 5 s, and lets the breaker see each attempt.
 *
 * @example
 * ```ts
 * const policy = compose(timeout(5_000), retry({ maxAttempts: 3 }), circuitBreaker({ halfOpenAfter: 10_000 }));
 * await policy.execute(({ signal }) => fetch(url, { signal }));
 * ```
 */
export function compose(...policies: Policy[]): Policy {
  for (const p of policies)
    if (typeof p?.execute !== 'function') configError('compose() takes policies (objects with an execute method)');
  if (policies.length === 1) return policies[0] as Policy;
  // The library's own policies chain without a promise per layer; others go through `execute`.
  // With no policies, the chain runs the task itself.
  return policy(
    policies.length
      ? policies.map(runOf).reduceRight(
          (inner, outer): Run =>
            (task, ctx, ok, fail) =>
              outer((c, o, f) => inner(task, c, o, f), ctx, ok, fail),
        )
      : (task, ctx, ok, fail) => task(ctx, ok, fail),
  );
}
