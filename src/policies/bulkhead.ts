import PQueue from 'p-queue';
import { BulkheadRejectedError } from '../errors/bulkhead-rejected-error.js';
import { assertNumber } from '../internal/config.js';
import { abortErrorFrom } from '../internal/sleep.js';
import type { Policy, PolicyContext } from '../types.js';
import type { ExecuteOptions } from './compose.js';
import { neverAborted, toCtx } from './context.js';
import { assertTask } from './options.js';

/** Options of {@link bulkhead}. */
export interface BulkheadOptions {
  /** Calls running at once. */
  concurrency: number;
  /** Calls allowed to wait for a slot; more are rejected. @default 0 */
  queue?: number;
}

/** A bulkhead: a {@link Policy} that also reports its load. */
export interface BulkheadPolicy extends Policy {
  /** Calls running now. */
  readonly running: number;
  /** Calls waiting for a slot. */
  readonly queued: number;
}

/**
 * Caps how many calls run at once (on p-queue). Up to `queue` more wait in order; beyond that
 * calls fail at once with `BulkheadRejectedError`. A queued call whose signal aborts leaves the
 * queue with `AbortError`; a running call keeps its slot until it settles.
 *
 * @example
 * ```ts
 * const pool = bulkhead({ concurrency: 4, queue: 100 });
 * const results = await Promise.all(prompts.map((p) => pool.execute(() => llm.complete(p))));
 * ```
 */
export function bulkhead(options: BulkheadOptions): BulkheadPolicy {
  const concurrency = assertNumber('bulkhead.concurrency', options?.concurrency, { min: 1, integer: true });
  const maxQueue = assertNumber('bulkhead.queue', options.queue ?? 0, { integer: true });
  const q = new PQueue({ concurrency });

  return {
    get running() {
      return q.pending;
    },
    get queued() {
      return q.size;
    },
    execute<T>(fn: (ctx: PolicyContext) => Promise<T> | T, opts?: ExecuteOptions): Promise<T> {
      try {
        assertTask(fn, opts?.signal);
      } catch (error) {
        // A rejection, as for every other failure of `execute`.
        return Promise.reject(error);
      }
      const signal = opts?.signal === neverAborted ? undefined : opts?.signal;
      if (signal?.aborted) return Promise.reject(abortErrorFrom(signal));
      if (q.pending >= concurrency && q.size >= maxQueue) {
        return Promise.reject(
          new BulkheadRejectedError(`bulkhead full: ${concurrency} running, ${q.size} queued`, {
            details: { concurrency, queue: maxQueue },
          }),
        );
      }
      const ctx = toCtx(opts);
      if (!signal) return q.add(() => fn(ctx)) as Promise<T>;
      // p-queue would free the slot as soon as the signal aborts, while the function still runs:
      // it only gets a signal that aborts while the call is queued.
      const queued = new AbortController();
      const onAbort = () => queued.abort(abortErrorFrom(signal));
      signal.addEventListener('abort', onAbort, { once: true });
      return q
        .add(
          () => {
            signal.removeEventListener('abort', onAbort);
            return fn(ctx);
          },
          { signal: queued.signal },
        )
        .finally(() => signal.removeEventListener('abort', onAbort)) as Promise<T>;
    },
  };
}
