import { isIntegrationError } from '../errors/integration-error.js';
import { systemClock } from '../internal/clock.js';
import { assertMethods, assertNumber, configError, MAX_DELAY } from '../internal/config.js';
import { errorInfo } from '../internal/error-info.js';
import { compose } from '../policies/compose.js';
import { neverAborted } from '../policies/context.js';
import { retry } from '../policies/retry.js';
import type { Clock, Policy, PolicyContext } from '../types.js';
import { type AttemptScope, attemptScope, type CallInfo, httpErrorFrom, transportError } from './attempt.js';
import { DEFAULT_MAX_BODY_BYTES } from './body.js';
import type { HttpClientOptions } from './types.js';

/** Methods a policy may repeat without an idempotency key. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/** True when `method` may be retried without an idempotency key. */
export function isIdempotentMethod(method: string): boolean {
  return IDEMPOTENT.has(method);
}

/** Options after validation, shared by the REST and GraphQL clients. */
export interface Resolved {
  name: string;
  clock: Clock;
  timeoutMs: number;
  maxBodyBytes: number;
  policy: Policy | undefined;
  /** Client headers, lower-case names. */
  headers: Record<string, string>;
  /** Values of the client headers that are secrets (cookies, keys). */
  headerSecrets: string[];
  options: HttpClientOptions;
}

/** Validates the common options once (throws `CONFIG`) and builds the policy chain. */
export function resolveCommon(options: HttpClientOptions, defaultName: string): Resolved {
  assertMethods('bus', options.bus, ['emit']);
  assertMethods('logger', options.logger, ['debug', 'warn']);
  assertMethods('clock', options.clock, ['now', 'setTimeout', 'clearTimeout']);
  const clock = options.clock ?? systemClock;
  // A longer timer fires at once: every attempt would time out after 1 ms.
  const timeoutMs = assertNumber('timeoutMs', options.timeoutMs ?? 30_000, { max: MAX_DELAY });
  const maxBodyBytes = assertNumber('maxBodyBytes', options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, {
    min: 1,
    integer: true,
  });
  if (options.auth !== undefined && (typeof options.auth?.value !== 'function' || !options.auth.header)) {
    configError('auth must be bearer(...), apiKeyHeader(...) or basic(...)');
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') configError('fetch must be a function');
  const name = options.name ?? defaultName;
  const headers: Record<string, string> = {};
  const headerSecrets: string[] = [];
  try {
    for (const [k, v] of new Headers(options.headers)) {
      headers[k] = v;
      if (SECRET_HEADER.test(k)) headerSecrets.push(v);
    }
  } catch {
    // The runtime's message may quote the (secret) value.
    configError('headers contain an invalid name or value');
  }
  for (const p of [options.policy, options.rateLimit]) {
    if (p && typeof p.execute !== 'function') configError('policy and rateLimit must be policies');
  }
  const outer =
    options.policy === false
      ? undefined
      : (options.policy ??
        retry({
          maxAttempts: 3,
          name,
          clock,
          bus: options.bus,
          logger: options.logger,
        }));
  const chain = [outer, options.rateLimit].filter((p): p is Policy => !!p);
  return {
    name,
    clock,
    timeoutMs,
    maxBodyBytes,
    policy: chain[1] ? compose(...chain) : chain[0],
    headers,
    headerSecrets,
    options,
  };
}

/**
 * Checks a call's `signal` and `timeoutMs` (`CONFIG` when bad) and returns the call's timeout
 * or the client's.
 */
export function callTimeout(r: Resolved, opts: { signal?: unknown; timeoutMs?: number | undefined }): number {
  if (opts.signal != null && typeof (opts.signal as AbortSignal).addEventListener !== 'function') {
    configError('signal must be an AbortSignal');
  }
  return opts.timeoutMs === undefined ? r.timeoutMs : assertNumber('timeoutMs', opts.timeoutMs, { max: MAX_DELAY });
}

/** Runs `fn` under the policy (or directly), telling it whether the call may be repeated. */
export function runPolicy<T>(
  policy: Policy | undefined,
  fn: (ctx: PolicyContext) => Promise<T>,
  signal: AbortSignal | undefined,
  idempotent: boolean,
): Promise<T> {
  if (!policy) return fn({ signal: signal ?? neverAborted, attempt: 1 });
  return policy.execute(fn, { signal, idempotent } as { signal?: AbortSignal });
}

/** Header names whose values are scrubbed from error body excerpts. */
const SECRET_HEADER = /auth|cookie|key|token|secret|sig|pass/i;
/** What `Headers` accepts in a value (checked here so the runtime never echoes a secret in its error). */
export const BAD_HEADER_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * One attempt's headers (client defaults, call headers, auth) as a plain record with
 * lower-case names. Also returns the secret values sent (auth, cookies, key-like headers,
 * secret query values) so an error body echoing them can be scrubbed.
 */
export function buildHeaders(
  r: Resolved,
  extra: HeadersInit | undefined,
  urlSecrets: readonly string[],
): BuiltHeaders | Promise<BuiltHeaders> {
  const headers = { ...r.headers };
  const secrets = r.headerSecrets.concat(urlSecrets);
  if (extra) {
    try {
      for (const [k, v] of new Headers(extra)) {
        headers[k] = v;
        if (SECRET_HEADER.test(k)) secrets.push(v);
      }
    } catch {
      configError('request headers contain an invalid name or value');
    }
  }
  const auth = r.options.auth;
  if (!auth) return { headers, secrets };
  const add = (secret: string): BuiltHeaders => {
    if (typeof secret !== 'string' || BAD_HEADER_VALUE.test(secret)) {
      configError(`auth produced an invalid ${auth.header} header value`);
    }
    headers[auth.header.toLowerCase()] = secret;
    secrets.push(secret);
    return { headers, secrets };
  };
  // A static token stays synchronous: no extra tick on the hot path.
  const value = auth.value();
  return typeof value === 'string' ? add(value) : Promise.resolve(value).then(add);
}

/** Headers of one attempt, and the secret values among them. */
export interface BuiltHeaders {
  headers: Record<string, string>;
  secrets: string[];
}

/** Everything one attempt needs besides the actual fetch. */
export interface AttemptInfo extends CallInfo {
  ctx: PolicyContext;
}

/**
 * Runs one attempt: opens the scope (timeout + signals), publishes `http.request`, calls
 * `send`, publishes `http.response`, turns a non-2xx into `HttpError` and hands a 2xx to
 * `consume`. `keepOpen` leaves the caller's signal linked after success (streamed bodies);
 * `allStatuses` hands non-2xx responses to `consume` too.
 */
export async function runAttempt<T>(
  r: Resolved,
  info: AttemptInfo,
  secrets: string[],
  send: (signal: AbortSignal) => Promise<Response>,
  consume: (response: Response, scope: AttemptScope) => Promise<T>,
  keepOpen = false,
  allStatuses = false,
): Promise<T> {
  const { bus, logger } = r.options;
  const attempt = info.ctx.attempt;
  const scope = attemptScope([info.callerSignal, info.policySignal], info.timeoutMs, r.clock);
  const base = { client: r.name, method: info.method, url: info.url };
  bus?.emit('http.request', { ...base, attempt });
  const started = r.clock.now();
  let ok = false;
  try {
    const response = await send(scope.signal);
    const durationMs = r.clock.now() - started;
    bus?.emit('http.response', { ...base, status: response.status, durationMs, attempt });
    logger?.debug({ ...base, status: response.status, durationMs, attempt }, 'http response');
    if (!response.ok && !allStatuses) throw await httpErrorFrom(response, info, r.clock.now(), secrets);
    const result = await consume(response, scope);
    ok = true;
    return result;
  } catch (error) {
    const mapped = transportError(error, scope, info);
    if (logger && isIntegrationError(mapped))
      logger.warn({ ...base, attempt, error: errorInfo(mapped) }, 'http failed');
    throw mapped;
  } finally {
    if (ok && keepOpen) scope.disarm();
    else scope.done();
  }
}
