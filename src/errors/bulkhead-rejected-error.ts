import { guardFor, IntegrationError, type IntegrationErrorOptions } from './integration-error.js';

/**
 * A bulkhead's running slots and queue are full; the call was shed without running.
 *
 * @example
 * ```ts
 * if (isBulkheadRejectedError(error)) console.warn(error.code); // 'BULKHEAD_FULL'
 * ```
 */
export class BulkheadRejectedError extends IntegrationError {
  override name = 'BulkheadRejectedError';
  constructor(message: string, options: IntegrationErrorOptions = {}) {
    super(message, { retryable: false, ...options, code: options.code ?? 'BULKHEAD_FULL' });
  }
}

/** True when `value` is a {@link BulkheadRejectedError}, across realms. */
export const isBulkheadRejectedError: (value: unknown) => value is BulkheadRejectedError =
  /* @__PURE__ */ guardFor<BulkheadRejectedError>('BulkheadRejectedError');
