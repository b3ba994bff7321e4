/**
 * `@wawagot/integrations`: typed errors and the shapes shared by every module.
 * Each feature lives in its own subpath (`/bus`, `/policies`, `/rest`, `/webhooks`, ...).
 *
 * @example
 * ```ts
 * import { isHttpError } from '@wawagot/integrations';
 * async function findUser(id: string) {
 *   try { return await api.get('/users/:id', { params: { id } }) } catch (e) { if (isHttpError(e) && e.status === 404) return null; throw e }
 * }
 * ```
 * @module
 */
export { AbortError, isAbortError } from './errors/abort-error.js';
export { BulkheadRejectedError, isBulkheadRejectedError } from './errors/bulkhead-rejected-error.js';
export { CircuitOpenError, isCircuitOpenError } from './errors/circuit-open-error.js';
export { ConflictError, isConflictError } from './errors/conflict-error.js';
export {
  type GraphQLErrorEntry,
  GraphQLResponseError,
  type GraphQLResponseErrorOptions,
  isGraphQLResponseError,
} from './errors/graphql-response-error.js';
export { HttpError, type HttpErrorOptions, isHttpError } from './errors/http-error.js';
export {
  IntegrationError,
  type IntegrationErrorCode,
  type IntegrationErrorOptions,
  isIntegrationError,
  type SerializedIntegrationError,
} from './errors/integration-error.js';
export { isNetworkError, NetworkError } from './errors/network-error.js';
export { isNotFoundError, NotFoundError } from './errors/not-found-error.js';
export { isRateLimitError, RateLimitError } from './errors/rate-limit-error.js';
export { isStorageError, StorageError } from './errors/storage-error.js';
export { isTimeoutError, TimeoutError } from './errors/timeout-error.js';
export {
  isValidationError,
  ValidationError,
  type ValidationErrorOptions,
  type ValidationIssue,
} from './errors/validation-error.js';
export {
  isWebhookVerificationError,
  WebhookVerificationError,
  type WebhookVerificationErrorOptions,
  type WebhookVerificationReason,
} from './errors/webhook-verification-error.js';
export { isWorkflowError, WorkflowError } from './errors/workflow-error.js';
export { systemClock } from './internal/clock.js';
export type { Clock, CommonOptions, Logger, Policy, PolicyContext, StandardSchemaV1 } from './types.js';
