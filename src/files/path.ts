import { IntegrationError } from '../errors/integration-error.js';

/** Prefix of the temporary files of atomic writes: reserved, so never a stored name. */
export const TEMP_PREFIX = '.tmp-';

/** Longest accepted path, in characters. */
export const MAX_PATH_LENGTH = 1024;

// Control characters (NUL included), backslashes and colons (drive letters, unstorage separators).
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
const FORBIDDEN = /[\u0000-\u001f\u007f\\:]/;
// Percent-encoded dot, slash, backslash, NUL or percent: the encodings traversal hides behind.
const ENCODED = /%(2e|2f|5c|00|25)/i;

function refuse(reason: string): never {
  throw new IntegrationError(`invalid file path: ${reason}`, { code: 'INVALID_PATH', details: { reason } });
}

/**
 * Checks a storage path and returns its segments. Refused with `INVALID_PATH`: empty or
 * over-long paths, absolute paths, `.`/`..`/empty segments, backslashes, `:`, NUL and other
 * control characters, percent-encoded `.` `/` `\` NUL or `%`, and names starting `.tmp-`
 * (reserved for atomic writes). The offending path is not echoed.
 *
 * @example
 * ```ts
 * checkPath('uploads/cat.png'); // ['uploads', 'cat.png']
 * checkPath('../etc/passwd'); // throws IntegrationError INVALID_PATH
 * ```
 */
export function checkPath(path: unknown): string[] {
  if (typeof path !== 'string' || path.length === 0) refuse('empty or not a string');
  if (path.length > MAX_PATH_LENGTH) refuse(`longer than ${MAX_PATH_LENGTH} characters`);
  if (path.startsWith('/')) refuse('absolute path');
  if (FORBIDDEN.test(path)) refuse('control character, backslash or colon');
  if (ENCODED.test(path)) refuse('percent-encoded traversal character');
  const segments = path.split('/');
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..') refuse('empty, "." or ".." segment');
    if (segment.startsWith(TEMP_PREFIX)) refuse('names starting with .tmp- are reserved');
  }
  return segments;
}

/** Checks a `list` prefix: `''`, or a path prefix that may end with `/`. */
export function checkPrefix(prefix: unknown): string {
  if (prefix === undefined || prefix === '') return '';
  if (typeof prefix !== 'string') refuse('prefix is not a string');
  checkPath(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
  return prefix;
}
