import { configError } from '../internal/config.js';
import { toJson } from '../internal/json.js';
import type { AttemptScope } from './attempt.js';
import type { HttpSend } from './client.js';
import {
  BAD_HEADER_VALUE,
  buildHeaders,
  callTimeout,
  isIdempotentMethod,
  type Resolved,
  runAttempt,
  runPolicy,
} from './transport.js';
import type { Target } from './url.js';

/** What a REST call settled before its first attempt. */
export interface PreparedCall {
  method: string;
  target: Target;
  body: BodyInit | undefined;
  timeoutMs: number;
  /** Default `accept` header. */
  accept: string | undefined;
  /** `Idempotency-Key`, the same on every attempt (`true` became a random one). */
  key: string | undefined;
}

/**
 * Settles a call before its first attempt: the body is serialised once (so a value JSON cannot
 * encode fails with `NOT_SERIALIZABLE` and is never sent, and every attempt sends the same
 * bytes) and the call's `timeoutMs`, `signal` and `idempotencyKey` are checked.
 */
export function prepareCall(
  r: Resolved,
  method: string,
  target: Target,
  opts: {
    json?: unknown;
    body?: BodyInit | undefined;
    timeoutMs?: number | undefined;
    signal?: unknown;
    idempotencyKey?: unknown;
  },
  accept: string | undefined,
): PreparedCall {
  const key = opts.idempotencyKey === true ? crypto.randomUUID() : opts.idempotencyKey;
  // A blank key would still make a POST retryable; a bad character would fail in fetch as a network error.
  if (key !== undefined && (typeof key !== 'string' || !key.trim() || BAD_HEADER_VALUE.test(key))) {
    configError('idempotencyKey must be true or a non-blank header-safe string');
  }
  const body = opts.json !== undefined ? toJson(opts.json, 'json body') : opts.body;
  if (body !== undefined && (method === 'GET' || method === 'HEAD'))
    configError(`a ${method} request cannot have a body`);
  return { method, target, body, timeoutMs: callTimeout(r, opts), accept, key };
}

/**
 * Runs a REST call under the client's policy (repeatable when idempotent or keyed). Each
 * attempt rebuilds the headers (auth may rotate), adds the idempotency key, `accept` and the
 * JSON content type, and sends through ky (whose retry, timeout and HTTP-error throwing are off).
 */
export function sendCall<T>(
  r: Resolved,
  http: HttpSend,
  call: PreparedCall,
  opts: { headers?: HeadersInit; json?: unknown; signal?: AbortSignal },
  consume: (response: Response, scope: AttemptScope) => Promise<T>,
  keepOpen = false,
): Promise<T> {
  const { method, target, body, timeoutMs, accept, key } = call;
  return runPolicy(
    r.policy,
    async (ctx) => {
      const built = buildHeaders(r, opts.headers, target.secrets);
      const { headers, secrets } = built instanceof Promise ? await built : built;
      if (key !== undefined) headers['idempotency-key'] = key;
      if (accept) headers.accept ??= accept;
      if (opts.json !== undefined) headers['content-type'] ??= 'application/json';
      const info = { method, url: target.safe, timeoutMs, callerSignal: opts.signal, policySignal: ctx.signal, ctx };
      return runAttempt(
        r,
        info,
        secrets,
        (signal) =>
          http(target.href, body === undefined ? { method, headers, signal } : { method, headers, signal, body }),
        consume,
        keepOpen,
      );
    },
    opts.signal,
    key !== undefined || isIdempotentMethod(method),
  );
}
