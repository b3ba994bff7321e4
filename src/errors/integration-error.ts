/**
 * Stable error codes carried by every {@link IntegrationError}.
 * Each subclass has a default code; the base class also uses the configuration and safety codes.
 */
export type IntegrationErrorCode =
  | 'HTTP_ERROR'
  | 'TIMEOUT'
  | 'NETWORK'
  | 'CIRCUIT_OPEN'
  | 'RATE_LIMITED'
  | 'BULKHEAD_FULL'
  | 'VALIDATION'
  | 'GRAPHQL'
  | 'WEBHOOK_VERIFICATION'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'STORAGE'
  | 'WORKFLOW'
  | 'ABORTED'
  | 'CONFIG'
  | 'INVALID_URL'
  | 'INVALID_RESPONSE'
  | 'INVALID_PATH'
  | 'UNSAFE_OPERATION'
  | 'NOT_SERIALIZABLE'
  | 'PAYLOAD_TOO_LARGE';

/** Options accepted by every error constructor of the library. */
export interface IntegrationErrorOptions {
  /** Stable machine-readable code. */
  code?: IntegrationErrorCode;
  /** Whether a retry policy may retry the failed operation. @default false */
  retryable?: boolean;
  /** The underlying error. */
  cause?: unknown;
  /** Extra context. Must never contain secrets: it is part of `toJSON()`. */
  details?: Record<string, unknown>;
  /** A server- or policy-suggested delay before the next attempt, in milliseconds. */
  retryAfterMs?: number;
}

/** Shape returned by `IntegrationError#toJSON()`: safe to log or send over the wire. */
export interface SerializedIntegrationError {
  name: string;
  code: IntegrationErrorCode;
  message: string;
  retryable: boolean;
  retryAfterMs?: number | undefined;
  details?: Record<string, unknown> | undefined;
  cause?: { name: string; code?: string; message?: string } | undefined;
}

const BRAND = Symbol.for('@wawagot/integrations/error');

/**
 * Base class of every error the library throws. Carries a stable `code`, a `retryable` flag
 * and the original `cause`. Use {@link isIntegrationError} rather than `instanceof` when
 * errors may cross realms (workers, iframes, duplicated bundles).
 *
 * @example
 * ```ts
 * throw new IntegrationError('baseUrl is required', { code: 'CONFIG' });
 * ```
 */
export class IntegrationError extends Error {
  override name = 'IntegrationError';
  // Declared (assigned in the constructor) rather than defined as class fields: smaller bundles.
  declare readonly code: IntegrationErrorCode;
  declare readonly retryable: boolean;
  declare readonly details: Record<string, unknown> | undefined;
  declare readonly retryAfterMs: number | undefined;
  /** Brand used by the cross-realm guards. */
  readonly [BRAND] = true;

  constructor(message: string, options: IntegrationErrorOptions = {}) {
    // Error reads only `cause` from its options (and sets it only when present).
    super(message, options);
    this.code = options.code ?? 'CONFIG';
    this.retryable = options.retryable ?? false;
    this.details = options.details;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** A JSON-safe view: name, code, message, retryable, details and the cause's name/code. */
  toJSON(): SerializedIntegrationError {
    const { cause } = this;
    return {
      ...summary(this),
      retryable: this.retryable,
      retryAfterMs: this.retryAfterMs,
      details: this.details,
      // Only our own errors have sanitised messages; foreign messages may embed secrets.
      cause: isIntegrationError(cause) ? summary(cause) : cause instanceof Error ? { name: cause.name } : undefined,
    };
  }
}

/** Name, message and code of a library error (its message is built without secrets). */
export function summary(error: IntegrationError): { name: string; message: string; code: IntegrationErrorCode } {
  return { name: error.name, message: error.message, code: error.code };
}

/**
 * True when `value` is an error thrown by this library, even from another realm or copy.
 *
 * @example
 * ```ts
 * try { await client.get('/x') } catch (e) { if (isIntegrationError(e) && e.retryable) retryLater() }
 * ```
 */
export function isIntegrationError(value: unknown): value is IntegrationError {
  return (value as Record<symbol, unknown> | null | undefined)?.[BRAND] === true;
}

/** Builds a cross-realm guard that checks the brand and the error's `name`. */
export function guardFor<T extends IntegrationError>(name: string): (value: unknown) => value is T {
  return (value: unknown): value is T => isIntegrationError(value) && value.name === name;
}
