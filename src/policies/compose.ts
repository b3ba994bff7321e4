import type { Policy, PolicyContext } from '../types.js';
import { Ctx, toCtx } from './context.js';

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
  if (policies.length === 0) return passthrough;
  if (policies.length === 1) return policies[0] as Policy;
  const [outer, ...rest] = policies as [Policy, ...Policy[]];
  const inner = compose(...rest);
  return {
    execute<T>(fn: (ctx: PolicyContext) => Promise<T> | T, opts?: ExecuteOptions): Promise<T> {
      // Our policies hand down a `Ctx` that already carries signal, attempt and idempotent:
      // passing it on as is keeps the hot path free of allocations.
      return outer.execute(
        (ctx) =>
          inner.execute(fn, ctx instanceof Ctx ? ctx : (new Ctx(ctx, ctx.attempt, opts?.idempotent) as ExecuteOptions)),
        opts,
      );
    },
  };
}

/** A policy that just runs the function: the identity of `compose`. */
const passthrough: Policy = {
  async execute(fn, opts?: ExecuteOptions) {
    return fn(toCtx(opts));
  },
};
