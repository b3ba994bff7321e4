import type { Options as KyOptions } from 'ky';
import { configError } from '../internal/config.js';
import { toJson } from '../internal/json.js';

/**
 * The body of a call, serialised once before the first attempt (so a value JSON cannot encode
 * fails with `NOT_SERIALIZABLE` and is never sent, and every attempt sends the same bytes).
 */
export function requestBody(
  method: string,
  opts: { json?: unknown; body?: BodyInit | undefined },
): BodyInit | undefined {
  const body = opts.json !== undefined ? toJson(opts.json, 'json body') : opts.body;
  if (body !== undefined && (method === 'GET' || method === 'HEAD'))
    configError(`a ${method} request cannot have a body`);
  return body;
}

/** ky options of one attempt (ky's retry, timeout and HTTP-error throwing are off on the instance). */
export function kyOptions(
  method: string,
  headers: Record<string, string>,
  signal: AbortSignal,
  body: BodyInit | undefined,
): KyOptions {
  return body === undefined ? { method, headers, signal } : { method, headers, signal, body };
}
