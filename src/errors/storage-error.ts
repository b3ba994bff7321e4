import { guardFor, IntegrationError, type IntegrationErrorOptions } from './integration-error.js';

/**
 * A storage backend (database, cache, files) failed.
 *
 * @example
 * ```ts
 * if (isStorageError(error)) console.warn(error.code); // 'STORAGE'
 * ```
 */
export class StorageError extends IntegrationError {
  override name = 'StorageError';
  constructor(message: string, options: IntegrationErrorOptions = {}) {
    super(message, { retryable: false, ...options, code: options.code ?? 'STORAGE' });
  }
}

/** True when `value` is a {@link StorageError}, across realms. */
export const isStorageError: (value: unknown) => value is StorageError =
  /* @__PURE__ */ guardFor<StorageError>('StorageError');
