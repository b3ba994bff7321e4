import { guardFor, IntegrationError, type IntegrationErrorOptions } from './integration-error.js';

/**
 * A circuit breaker is open (or its half-open probes are taken) and failed the call fast.
 * `retryAfterMs` tells when the breaker will let a probe through.
 *
 * @example
 * ```ts
 * if (isCircuitOpenError(error)) scheduleRetry(error.retryAfterMs);
 * ```
 */
export class CircuitOpenError extends IntegrationError {
  override name = 'CircuitOpenError';
  constructor(message: string, options: IntegrationErrorOptions = {}) {
    super(message, { retryable: false, ...options, code: options.code ?? 'CIRCUIT_OPEN' });
  }
}

/** True when `value` is a {@link CircuitOpenError}, across realms. */
export const isCircuitOpenError: (value: unknown) => value is CircuitOpenError =
  /* @__PURE__ */ guardFor<CircuitOpenError>('CircuitOpenError');
