import type { StandardSchemaV1 } from '@standard-schema/spec';
import { ValidationError } from '../errors/validation-error.js';

/**
 * Validates `value` with any Standard Schema (zod, valibot, arktype): returns the parsed output
 * synchronously when the schema validates synchronously, a promise of it otherwise, or throws
 * (rejects with) {@link ValidationError} listing every issue. `context` goes into the message
 * and `details` (never put secrets in it).
 */
export function validate<S extends StandardSchemaV1>(
  schema: S,
  value: unknown,
  context: string,
  details?: Record<string, unknown>,
): StandardSchemaV1.InferOutput<S> | Promise<StandardSchemaV1.InferOutput<S>> {
  const unwrap = (result: StandardSchemaV1.Result<StandardSchemaV1.InferOutput<S>> | undefined) => {
    // A validator returning nothing is refused like invalid data, not read as a TypeError.
    const issues = result ? result.issues : [{ message: 'the schema returned no result' }];
    if (!issues) return (result as StandardSchemaV1.SuccessResult<StandardSchemaV1.InferOutput<S>>).value;
    const path = issues[0]?.path?.map((p) => String((p as { key?: PropertyKey }).key ?? p)).join('.');
    throw new ValidationError(`${context}: ${issues[0]?.message ?? 'invalid'}${path ? ` at ${path}` : ''}`, {
      issues,
      details,
    });
  };
  const result = schema['~standard'].validate(value);
  return result instanceof Promise ? result.then(unwrap) : unwrap(result);
}

/** {@link validate}, always asynchronous: resolves with the parsed output or rejects with {@link ValidationError}. */
export async function validateWith<S extends StandardSchemaV1>(
  schema: S,
  value: unknown,
  context: string,
  details?: Record<string, unknown>,
): Promise<StandardSchemaV1.InferOutput<S>> {
  return validate(schema, value, context, details);
}
