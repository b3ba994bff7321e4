import { IntegrationError } from '../errors/integration-error.js';

/** Throws a `CONFIG` error naming the offending option. */
export function configError(message: string): never {
  throw new IntegrationError(message, { code: 'CONFIG' });
}

/** Checks that `value` is a finite number within `[min, max]` (integers when `integer`). */
export function assertNumber(
  name: string,
  value: unknown,
  { min = 0, max = Infinity, integer = false }: { min?: number; max?: number; integer?: boolean } = {},
): number {
  // NaN fails every comparison; an infinite value passes only when `max` is infinite.
  if (!(typeof value === 'number' && value >= min && value <= max && (!integer || Number.isInteger(value))))
    configError(`${name} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${String(value)}`);
  return value;
}
