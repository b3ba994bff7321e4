import { isIntegrationError } from '../errors/integration-error.js';
import { redactSecrets } from '../internal/error-info.js';
import type { DeadLetterError } from './driver.js';

/**
 * The error record kept with a dead letter: name, message, `code` when the error has a string
 * one, and the stack, with secrets in foreign messages masked (`Bearer REDACTED`,
 * `api_key=REDACTED`) as in events. Drivers call it so both backends store the same shape.
 *
 * @example
 * ```ts
 * deadLetterError(new TimeoutError('too slow')); // { name: 'TimeoutError', message: 'too slow', code: 'TIMEOUT', stack }
 * ```
 */
export function deadLetterError(error: unknown): DeadLetterError {
  if (error instanceof Error) {
    // The library's own messages carry no secrets; foreign ones are masked like in events.
    const mask = isIntegrationError(error) ? (text: string) => text : redactSecrets;
    const record: DeadLetterError = { name: error.name, message: mask(error.message) };
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') record.code = code;
    if (typeof error.stack === 'string') record.stack = mask(error.stack);
    return record;
  }
  return {
    name: 'NonError',
    message: typeof error === 'string' ? redactSecrets(error) : 'a non-Error value was thrown',
  };
}
