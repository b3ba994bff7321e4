import { IntegrationError } from '../errors/integration-error.js';

/**
 * Serialises `value` to JSON or throws {@link IntegrationError} `NOT_SERIALIZABLE` (cycles,
 * BigInt, functions or `undefined` at the top level), so nothing half-written reaches a store.
 */
export function toJson(value: unknown, what = 'value'): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (cause) {
    throw new IntegrationError(`${what} is not JSON-serialisable`, { code: 'NOT_SERIALIZABLE', cause });
  }
  if (text === undefined) {
    throw new IntegrationError(`${what} is not JSON-serialisable`, { code: 'NOT_SERIALIZABLE' });
  }
  return text;
}
