import { configError } from '../internal/config.js';

/** Throws `CONFIG` unless the options given to `name` are an object. */
export function assertOptions(name: string, options: unknown): void {
  if (typeof options !== 'object' || !options) configError(`${name} options must be an object`);
}

/** Throws `CONFIG` unless `fn`, given to `execute`, is a function (inside `execute`, a rejection). */
export function assertTask(fn: unknown): void {
  if (typeof fn !== 'function') configError(`execute(fn): fn must be a function, got ${typeof fn}`);
}
