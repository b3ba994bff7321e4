import { guardFor, IntegrationError, type IntegrationErrorOptions } from './integration-error.js';

/**
 * The caller aborted the operation through its `AbortSignal`. Never retried.
 *
 * @example
 * ```ts
 * if (isAbortError(error)) console.warn(error.code); // 'ABORTED'
 * ```
 */
export class AbortError extends IntegrationError {
  override name = 'AbortError';
  constructor(message: string, options: IntegrationErrorOptions = {}) {
    super(message, { retryable: false, ...options, code: options.code ?? 'ABORTED' });
  }
}

/** True when `value` is a {@link AbortError}, across realms. */
export const isAbortError: (value: unknown) => value is AbortError = /* @__PURE__ */ guardFor<AbortError>('AbortError');
