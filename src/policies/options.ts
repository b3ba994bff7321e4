import { configError } from '../internal/config.js';

/**
 * Throws `CONFIG` unless `fn`, given to `execute`, is a function and `signal` (when given) an
 * AbortSignal (inside `execute`, a rejection).
 */
export function assertTask(fn: unknown, signal?: unknown): void {
  if (typeof fn !== 'function') configError(`execute(fn): fn must be a function, got ${typeof fn}`);
  if (signal != null && typeof (signal as AbortSignal).addEventListener !== 'function')
    configError('execute: signal must be an AbortSignal');
}
