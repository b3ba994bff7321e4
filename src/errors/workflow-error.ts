import { guardFor, IntegrationError, type IntegrationErrorOptions } from './integration-error.js';

/**
 * A durable workflow failed, was cancelled, or misused its step API.
 *
 * @example
 * ```ts
 * if (isWorkflowError(error)) console.warn(error.code); // 'WORKFLOW'
 * ```
 */
export class WorkflowError extends IntegrationError {
  override name = 'WorkflowError';
  constructor(message: string, options: IntegrationErrorOptions = {}) {
    super(message, { retryable: false, ...options, code: options.code ?? 'WORKFLOW' });
  }
}

/** True when `value` is a {@link WorkflowError}, across realms. */
export const isWorkflowError: (value: unknown) => value is WorkflowError =
  /* @__PURE__ */ guardFor<WorkflowError>('WorkflowError');
