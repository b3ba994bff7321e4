import type { ErrorInfo } from '../bus/system-events.js';
import { isIntegrationError } from '../errors/integration-error.js';

/** A secret-free summary of any thrown value, for events and log lines. */
export function errorInfo(error: unknown): ErrorInfo {
  if (isIntegrationError(error)) return { name: error.name, message: error.message, code: error.code };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'NonError', message: typeof error === 'string' ? error : 'a non-Error value was thrown' };
}
