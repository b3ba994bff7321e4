import { guardFor, IntegrationError, type IntegrationErrorOptions } from './integration-error.js';

/** One validation problem, as reported by a Standard Schema validator. */
export interface ValidationIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/** Options of {@link ValidationError}. */
export interface ValidationErrorOptions extends IntegrationErrorOptions {
  issues: ReadonlyArray<ValidationIssue>;
}

/**
 * Data entering the system (a response, webhook, payload, event or row) failed its schema.
 * Never retryable. `issues` lists every problem found.
 *
 * @example
 * ```ts
 * if (isValidationError(error)) console.table(error.issues);
 * ```
 */
export class ValidationError extends IntegrationError {
  override name = 'ValidationError';
  declare readonly issues: ReadonlyArray<ValidationIssue>;
  constructor(message: string, options: ValidationErrorOptions) {
    super(message, { ...options, retryable: false, code: options.code ?? 'VALIDATION' });
    this.issues = options.issues;
  }
}

/** True when `value` is a {@link ValidationError}, across realms. */
export const isValidationError: (value: unknown) => value is ValidationError =
  /* @__PURE__ */ guardFor<ValidationError>('ValidationError');
