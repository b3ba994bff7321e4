import { ConflictError } from '../errors/conflict-error.js';
import type { IntegrationError } from '../errors/integration-error.js';
import { isIntegrationError } from '../errors/integration-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { StorageError } from '../errors/storage-error.js';
import { ValidationError } from '../errors/validation-error.js';

/** The fields PostgreSQL (postgres.js) and PostgREST (supabase-js) errors carry. */
export interface DbErrorLike {
  code?: string | undefined;
  message?: string | undefined;
  details?: string | null | undefined;
  detail?: string | undefined;
  hint?: string | null | undefined;
  column_name?: string | undefined;
  constraint_name?: string | undefined;
}

const CONFLICT = new Set(['23505', '23P01', '23503']);
const INVALID = new Set(['23502', '23514', 'PGRST204', '42703']);
// Serialisation failures, deadlocks, resource shortage, shutdowns: a retry may succeed.
const TRANSIENT = /^(40001|40P01|53\d{3}|57P0[1-3]|08\d{3}|PGRST00[0-3])$/;
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
]);

/**
 * Maps a PostgreSQL or PostgREST error to the library's errors, keeping `code`, `details`
 * and `hint` in `error.details`: 23505/23P01/23503 → `ConflictError`, PGRST116 →
 * `NotFoundError`, 22xxx/23502/23514 → `ValidationError`, anything else → `StorageError`
 * (`retryable` for serialisation failures, deadlocks, shutdowns and connection faults).
 */
export function dbError(error: unknown, op: string, table: string, status?: number): IntegrationError {
  if (isIntegrationError(error)) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as DbErrorLike;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const text = typeof e.message === 'string' && e.message ? e.message : 'unknown database error';
  const message = `${op} on ${table} failed: ${text.slice(0, 300)}`;
  const details: Record<string, unknown> = { table, op };
  if (code) details.code = code;
  const extra = e.details ?? e.detail;
  if (extra) details.details = extra;
  if (e.hint) details.hint = e.hint;
  if (e.constraint_name) details.constraint = e.constraint_name;
  if (status !== undefined) details.status = status;
  const options = { cause: error, details };
  if (code && CONFLICT.has(code)) return new ConflictError(message, options);
  if (code === 'PGRST116') return new NotFoundError(message, options);
  if (code && (code.startsWith('22') || INVALID.has(code))) {
    const path = e.column_name ? [e.column_name] : undefined;
    return new ValidationError(message, { ...options, issues: [{ message: text, path }] });
  }
  const retryable =
    (code !== undefined && (TRANSIENT.test(code) || NETWORK.has(code))) ||
    status === 0 ||
    status === 503 ||
    status === 504 ||
    (code === undefined && status === undefined);
  return new StorageError(message, { ...options, retryable });
}
