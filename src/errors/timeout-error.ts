import { guardFor, IntegrationError, type IntegrationErrorOptions } from './integration-error.js';

/**
 * An operation did not finish within its time limit. Retryable.
 *
 * @example
 * ```ts
 * if (isTimeoutError(error)) console.warn(error.code); // 'TIMEOUT'
 * ```
 */
export class TimeoutError extends IntegrationError {
  override name = 'TimeoutError';
  constructor(message: string, options: IntegrationErrorOptions = {}) {
    super(message, { retryable: true, ...options, code: options.code ?? 'TIMEOUT' });
  }
}

/** True when `value` is a {@link TimeoutError}, across realms. */
export const isTimeoutError: (value: unknown) => value is TimeoutError =
  /* @__PURE__ */ guardFor<TimeoutError>('TimeoutError');
