import { configError } from '../internal/config.js';

const PATH = /^[A-Za-z_$][\w$]*(\.[\w$]+)*$/;
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

/** Checks a dotted path such as `'data.orderId'`; throws `CONFIG` otherwise. */
export function assertPath(path: string, name = 'match'): string {
  if (path.length > 200 || !PATH.test(path) || path.split('.').some((part) => FORBIDDEN.has(part))) {
    configError(`${name} must be a dotted path like 'data.orderId', got ${JSON.stringify(path.slice(0, 50))}`);
  }
  return path;
}

/** Reads an own-property path (`'data.order.id'`) from a JSON-like value. */
export function readPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
