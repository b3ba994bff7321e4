import { guardFor, IntegrationError, type IntegrationErrorOptions } from './integration-error.js';

/**
 * A write conflicts with existing data (unique key, version mismatch).
 *
 * @example
 * ```ts
 * if (isConflictError(error)) console.warn(error.code); // 'CONFLICT'
 * ```
 */
export class ConflictError extends IntegrationError {
  override name = 'ConflictError';
  constructor(message: string, options: IntegrationErrorOptions = {}) {
    super(message, { retryable: false, ...options, code: options.code ?? 'CONFLICT' });
  }
}

/** True when `value` is a {@link ConflictError}, across realms. */
export const isConflictError: (value: unknown) => value is ConflictError =
  /* @__PURE__ */ guardFor<ConflictError>('ConflictError');
