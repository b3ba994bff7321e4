import type { StandardSchemaV1 } from '@standard-schema/spec';
import { describe, expect, it } from 'vitest';
import { isValidationError } from '../../src/index.js';
import { validate, validateWith } from '../../src/internal/schema.js';

const schema = (result: StandardSchemaV1.Result<unknown>, async = false): StandardSchemaV1 => ({
  '~standard': { version: 1, vendor: 'test', validate: () => (async ? Promise.resolve(result) : result) },
});

const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('validate', () => {
  it('returns the parsed value synchronously, or a promise for an async schema', async () => {
    expect(validate(schema({ value: 2 }), 1, 'ctx')).toBe(2);
    const pending = validate(schema({ value: 3 }, true), 1, 'ctx');
    expect(pending).toBeInstanceOf(Promise);
    await expect(pending).resolves.toBe(3);
    await expect(validateWith(schema({ value: 4 }), 1, 'ctx')).resolves.toBe(4);
  });

  it('names the first issue and its path, keys of path segments included', () => {
    const error = thrown(() =>
      validate(schema({ issues: [{ message: 'Required', path: ['a', { key: 0 }, 'b'] }] }), 1, 'ctx', { q: 1 }),
    );
    expect(isValidationError(error)).toBe(true);
    expect((error as Error).message).toBe('ctx: Required at a.0.b');
    expect(isValidationError(error) && error.details).toEqual({ q: 1 });
  });

  it('a failure without any issue still reads as invalid, never "undefined"', async () => {
    const error = thrown(() => validate(schema({ issues: [] }), 1, 'ctx'));
    expect(isValidationError(error)).toBe(true);
    expect((error as Error).message).toBe('ctx: invalid');
    await expect(validateWith(schema({ issues: [] }, true), 1, 'ctx')).rejects.toThrow(/^ctx: invalid$/);
  });
});
