import { isIntegrationError } from '../../errors/integration-error.js';
import { StorageError } from '../../errors/storage-error.js';

/** The `code` of a Node.js file-system error (`ENOENT`, `EACCES`, ...). */
export const errno = (error: unknown): string | undefined => (error as { code?: string } | null)?.code;

/**
 * Runs a file-system operation of `owner`, turning a Node.js error into `StorageError`
 * (`retryable` for EMFILE, EBUSY and EAGAIN) and letting the library's own errors through.
 */
export async function fsAttempt<T>(owner: string, op: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (isIntegrationError(error)) throw error;
    const code = errno(error);
    throw new StorageError(`${owner} ${op} failed${code ? ` (${code})` : ''}`, {
      cause: error,
      retryable: code === 'EMFILE' || code === 'EBUSY' || code === 'EAGAIN',
      details: { op, ...(code ? { errno: code } : {}) },
    });
  }
}
