import type { StandardSchemaV1 } from '@standard-schema/spec';
import { ValidationError } from '../errors/validation-error.js';

/**
 * Validates `value` with any Standard Schema (zod, valibot, arktype) and returns the parsed
 * output, or throws {@link ValidationError} listing every issue. `context` goes into the
 * message and `details` (never put secrets in it).
 */
export async function validateWith<S extends StandardSchemaV1>(
  schema: S,
  value: unknown,
  context: string,
  details?: Record<string, unknown>,
): Promise<StandardSchemaV1.InferOutput<S>> {
  let result = schema['~standard'].validate(value);
  if (result instanceof Promise) result = await result;
  return unwrapResult(result, context, details);
}

/**
 * Synchronous variant for hot paths: throws {@link ValidationError} on issues, and returns
 * `undefined` plus `pending` when the schema only validates asynchronously.
 */
export function validateSync<S extends StandardSchemaV1>(
  schema: S,
  value: unknown,
  context: string,
): { pending: Promise<StandardSchemaV1.InferOutput<S>> } | { value: StandardSchemaV1.InferOutput<S> } {
  const result = schema['~standard'].validate(value);
  if (result instanceof Promise) return { pending: result.then((r) => unwrapResult(r, context)) };
  return { value: unwrapResult(result, context) };
}

function unwrapResult<T>(result: StandardSchemaV1.Result<T>, context: string, details?: Record<string, unknown>): T {
  if (result.issues) {
    const first = result.issues[0];
    const where = first?.path?.length
      ? ` at ${first.path.map((p) => String(typeof p === 'object' ? p.key : p)).join('.')}`
      : '';
    throw new ValidationError(`${context}: ${first?.message ?? 'invalid'}${where}`, {
      issues: result.issues,
      ...(details ? { details } : {}),
    });
  }
  return result.value;
}
