import { isIntegrationError } from '../errors/integration-error.js';
import { sleep } from '../internal/sleep.js';
import { backoffDelay, DEFAULT_BACKOFF } from '../policies/backoff.js';
import type { Clock } from '../types.js';
import type { StepContext, StepRetry } from './define.js';

/** Default: retry everything except library errors that say they are not retryable. */
export function defaultRetryOn(error: unknown): boolean {
  return !(isIntegrationError(error) && !error.retryable);
}

/** Outcome of {@link withRetry}: never rejects. */
export type Attempted<T> = { ok: true; value: T; attempts: number } | { ok: false; error: unknown; attempts: number };

/**
 * Calls `fn` until it succeeds, the retry budget is spent, `retryOn` refuses, or `signal`
 * aborts. Delays come from the backoff and are waited on `clock`.
 */
export async function withRetry<T>(
  fn: (ctx: StepContext) => Promise<T> | T,
  retry: StepRetry | undefined,
  signal: AbortSignal,
  clock: Clock,
): Promise<Attempted<T>> {
  const maxAttempts = retry?.maxAttempts ?? 3;
  const backoff = retry?.backoff ?? DEFAULT_BACKOFF;
  const retryOn = retry?.retryOn ?? defaultRetryOn;
  for (let attempt = 1; ; attempt++) {
    try {
      return { ok: true, value: await fn({ signal, attempt }), attempts: attempt };
    } catch (error) {
      let again = attempt < maxAttempts && !signal.aborted;
      if (again) {
        try {
          again = retryOn(error);
        } catch {
          again = false;
        }
      }
      if (!again) return { ok: false, error, attempts: attempt };
      try {
        await sleep(backoffDelay(backoff, attempt), signal, clock);
      } catch {
        return { ok: false, error, attempts: attempt };
      }
    }
  }
}
