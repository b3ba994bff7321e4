import { ValidationError } from '../errors/validation-error.js';
import { assertNumber } from '../internal/config.js';
import { toJson } from '../internal/json.js';
import type { SetOptions } from './types.js';

/** Longest key accepted by every KeyValue driver. */
export const MAX_KEY_LENGTH = 1024;

/** Checks a key: a non-empty string of at most {@link MAX_KEY_LENGTH} characters. */
export function assertKey(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    const message = `key must be a non-empty string of at most ${MAX_KEY_LENGTH} characters`;
    throw new ValidationError(message, { issues: [{ message }] });
  }
  return key;
}

/** Checks the keys of `getMany`: an array of valid keys. */
export function assertKeys(keys: unknown): readonly string[] {
  if (!Array.isArray(keys)) {
    const message = 'getMany expects an array of keys';
    throw new ValidationError(message, { issues: [{ message }] });
  }
  return keys.map(assertKey);
}

/** Checks `ttlMs` (a positive integer) and returns it, or `undefined` for no expiry. */
export function ttlOf(options: SetOptions | undefined): number | undefined {
  if (options?.ttlMs === undefined) return undefined;
  return assertNumber('ttlMs', options.ttlMs, { min: 1, integer: true });
}

/** Serialises a value for storage, throwing `NOT_SERIALIZABLE` before anything is written. */
export function encodeValue(key: string, value: unknown): string {
  return toJson(value, `value of key "${key.slice(0, 100)}"`);
}

/** Checks and serialises every entry of `setMany` up front (all or nothing). */
export function encodeEntries(entries: ReadonlyArray<readonly [string, unknown]>): Array<[string, string]> {
  if (!Array.isArray(entries)) {
    const message = 'setMany expects an array of [key, value] pairs';
    throw new ValidationError(message, { issues: [{ message }] });
  }
  return entries.map((entry) => {
    const key = assertKey(entry?.[0]);
    return [key, encodeValue(key, entry[1])];
  });
}
