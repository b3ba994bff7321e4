import { isAbortError } from '../errors/abort-error.js';
import type { Policy, PolicyContext } from '../types.js';
import type { ExecuteOptions } from './compose.js';
import { toCtx } from './context.js';
import { assertTask } from './options.js';

/**
 * Returns a fallback value (or the result of `fn(error)`) when the wrapped call fails.
 * A caller's abort is never swallowed.
 *
 * @example
 * ```ts
 * const policy = compose(fallback([]), retry({ maxAttempts: 2 }));
 * const items = await policy.execute(() => api.get('/items'));
 * ```
 */
export function fallback<F>(valueOrFn: F | ((error: unknown) => F | Promise<F>)): Policy {
  return {
    async execute<T>(fn: (ctx: PolicyContext) => Promise<T> | T, opts?: ExecuteOptions): Promise<T> {
      assertTask(fn, opts?.signal);
      const ctx = toCtx(opts);
      try {
        return await fn(ctx);
      } catch (error) {
        if (isAbortError(error) || ctx.signal.aborted) throw error;
        return (typeof valueOrFn === 'function'
          ? await (valueOrFn as (error: unknown) => F | Promise<F>)(error)
          : valueOrFn) as unknown as T;
      }
    },
  };
}
