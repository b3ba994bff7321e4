import type { DeadLetterError } from './driver.js';

/**
 * The error record kept with a dead letter: name, message, `code` when the error has a string
 * one, and the stack. Drivers call it so both backends store the same shape.
 *
 * @example
 * ```ts
 * deadLetterError(new TimeoutError('too slow')); // { name: 'TimeoutError', message: 'too slow', code: 'TIMEOUT', stack }
 * ```
 */
export function deadLetterError(error: unknown): DeadLetterError {
  if (error instanceof Error) {
    const record: DeadLetterError = { name: error.name, message: error.message };
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') record.code = code;
    if (typeof error.stack === 'string') record.stack = error.stack;
    return record;
  }
  return { name: 'NonError', message: typeof error === 'string' ? error : 'a non-Error value was thrown' };
}
