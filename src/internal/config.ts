import { IntegrationError } from '../errors/integration-error.js';

/** Throws a `CONFIG` error naming the offending option. */
export function configError(message: string): never {
  throw new IntegrationError(message, { code: 'CONFIG' });
}

/** Throws `CONFIG` unless `value` is an object (an options bag): `${name} must be an object`. */
export function assertObject(name: string, value: unknown): asserts value is object {
  if (typeof value !== 'object' || !value) configError(`${name} must be an object`);
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

/** The longest delay a timer takes: a longer one fires at once (Node warns, browsers too). */
export const MAX_DELAY = 2_147_483_647;

/**
 * Checks that an optional collaborator (a bus, clock, transport, store) has the named methods,
 * so a wrong value fails at creation with `CONFIG` rather than as a `TypeError` mid-flight.
 */
export function assertMethods(name: string, value: unknown, methods: string[]): void {
  if (
    value !== undefined &&
    !methods.every((m) => typeof (value as Record<string, unknown> | null)?.[m] === 'function')
  )
    configError(`${name} must have the methods ${methods.join(', ')}`);
}
