import { guardFor, IntegrationError, type IntegrationErrorOptions } from './integration-error.js';

/**
 * The connection failed before a response arrived (DNS, reset, refused). Retryable.
 *
 * @example
 * ```ts
 * if (isNetworkError(error)) console.warn(error.code); // 'NETWORK'
 * ```
 */
export class NetworkError extends IntegrationError {
  override name = 'NetworkError';
  constructor(message: string, options: IntegrationErrorOptions = {}) {
    super(message, { retryable: true, ...options, code: options.code ?? 'NETWORK' });
  }
}

/** True when `value` is a {@link NetworkError}, across realms. */
export const isNetworkError: (value: unknown) => value is NetworkError =
  /* @__PURE__ */ guardFor<NetworkError>('NetworkError');
