import { guardFor, IntegrationError, type IntegrationErrorOptions } from './integration-error.js';

/**
 * A rate limit refused the call, locally (a `rateLimit` policy in `'reject'` mode) or remotely.
 * Retryable; `retryAfterMs` says when a token is available again.
 *
 * @example
 * ```ts
 * if (isRateLimitError(error)) await sleep(error.retryAfterMs ?? 1000);
 * ```
 */
export class RateLimitError extends IntegrationError {
  override name = 'RateLimitError';
  constructor(message: string, options: IntegrationErrorOptions = {}) {
    super(message, { retryable: true, ...options, code: options.code ?? 'RATE_LIMITED' });
  }
}

/** True when `value` is a {@link RateLimitError}, across realms. */
export const isRateLimitError: (value: unknown) => value is RateLimitError =
  /* @__PURE__ */ guardFor<RateLimitError>('RateLimitError');
