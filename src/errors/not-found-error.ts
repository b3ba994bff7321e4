import { guardFor, IntegrationError, type IntegrationErrorOptions } from './integration-error.js';

/**
 * The requested record, file or key does not exist.
 *
 * @example
 * ```ts
 * if (isNotFoundError(error)) console.warn(error.code); // 'NOT_FOUND'
 * ```
 */
export class NotFoundError extends IntegrationError {
  override name = 'NotFoundError';
  constructor(message: string, options: IntegrationErrorOptions = {}) {
    super(message, { retryable: false, ...options, code: options.code ?? 'NOT_FOUND' });
  }
}

/** True when `value` is a {@link NotFoundError}, across realms. */
export const isNotFoundError: (value: unknown) => value is NotFoundError =
  /* @__PURE__ */ guardFor<NotFoundError>('NotFoundError');
