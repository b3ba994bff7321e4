import { AbortError } from '../errors/abort-error.js';
import { isIntegrationError } from '../errors/integration-error.js';
import type { Clock } from '../types.js';
import { systemClock } from './clock.js';

/** Turns an abort reason into the library's {@link AbortError}, keeping ours untouched. */
export function abortErrorFrom(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  // A policy (timeout, breaker) may abort with its own typed error: keep it.
  if (isIntegrationError(reason)) return reason;
  return new AbortError('The operation was aborted', { cause: reason });
}

/**
 * Re-references a timer of `systemClock` (which unrefs every timer): for waits that a caller
 * is awaiting, such as a retry delay, so a short script is not cut off mid-wait. Handles of
 * other clocks are left alone.
 */
export function keepAlive(handle: unknown): void {
  (handle as { ref?: () => void } | null)?.ref?.();
}

/**
 * Waits `ms` on `clock` (with `keep`, keeping the process alive meanwhile, see {@link keepAlive});
 * rejects with {@link AbortError} (or the signal's own library error) as soon as `signal` aborts,
 * and leaves no timer or listener behind either way.
 */
export function sleep(ms: number, signal?: AbortSignal, clock: Clock = systemClock, keep?: boolean): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortErrorFrom(signal));
  if (ms <= 0 && !signal) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clock.clearTimeout(handle);
      reject(abortErrorFrom(signal as AbortSignal));
    };
    const handle = clock.setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    if (keep) keepAlive(handle);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
