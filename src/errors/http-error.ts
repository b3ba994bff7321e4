import { guardFor, IntegrationError, type IntegrationErrorOptions } from './integration-error.js';

/** HTTP statuses that a retry policy may retry. */
const RETRYABLE_STATUSES = new Set([408, 425, 429, 500, 502, 503, 504]);

/** Options of {@link HttpError}. `url` must already be stripped of secrets. */
export interface HttpErrorOptions extends IntegrationErrorOptions {
  status: number;
  method: string;
  url: string;
  /** At most 1 KB of the response body, for diagnostics. */
  bodyExcerpt?: string;
}

/**
 * A response arrived with a non-2xx status. `retryable` is true for 408, 425, 429 and 5xx
 * gateway statuses (500, 502, 503, 504).
 *
 * @example
 * ```ts
 * if (isHttpError(error) && error.status === 404) return null;
 * ```
 */
export class HttpError extends IntegrationError {
  override name = 'HttpError';
  declare readonly status: number;
  declare readonly method: string;
  declare readonly url: string;
  declare readonly bodyExcerpt: string | undefined;

  constructor(message: string, options: HttpErrorOptions) {
    const { status, method, url, bodyExcerpt, ...rest } = options;
    super(message, {
      retryable: RETRYABLE_STATUSES.has(status),
      ...rest,
      code: rest.code ?? 'HTTP_ERROR',
      details: { status, method, url, ...rest.details },
    });
    this.status = status;
    this.method = method;
    this.url = url;
    this.bodyExcerpt = bodyExcerpt === undefined ? undefined : bodyExcerpt.slice(0, 1024);
  }
}

/** True when `value` is an {@link HttpError}, across realms. */
export const isHttpError: (value: unknown) => value is HttpError = /* @__PURE__ */ guardFor<HttpError>('HttpError');
