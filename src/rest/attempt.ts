import { AbortError } from '../errors/abort-error.js';
import { HttpError } from '../errors/http-error.js';
import { isIntegrationError } from '../errors/integration-error.js';
import { NetworkError } from '../errors/network-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { neverAborted } from '../policies/context.js';
import type { Clock } from '../types.js';
import { readExcerpt } from './body.js';

/**
 * The signal of one attempt: aborted by the caller, by an outer policy, or by the per-attempt
 * timeout. `done()` clears the timer and listeners; `disarm()` only clears the timer (for a
 * body handed to the caller, which the caller's signal must still be able to abort).
 */
export interface AttemptScope {
  readonly signal: AbortSignal;
  readonly timedOut: boolean;
  done(): void;
  disarm(): void;
  /** Aborts the request (closing a body still being read), then `done()`. */
  abort(): void;
}

/** One object per attempt (it is also the abort listener), so the hot path allocates little. */
class Scope implements AttemptScope {
  readonly #controller = new AbortController();
  readonly #clock: Clock;
  #timedOut = false;
  #handle: unknown;
  #linked: AbortSignal[] | undefined;

  constructor(signals: ReadonlyArray<AbortSignal | undefined>, timeoutMs: number, clock: Clock) {
    this.#clock = clock;
    for (const s of signals) {
      // The shared never-aborting signal of the policies needs no listener.
      if (!s || s === neverAborted || this.#linked?.includes(s)) continue;
      if (s.aborted) this.#controller.abort(s.reason);
      else {
        s.addEventListener('abort', this, { once: true });
        if (this.#linked) this.#linked.push(s);
        else this.#linked = [s];
      }
    }
    if (timeoutMs > 0 && !this.#controller.signal.aborted) {
      this.#handle = clock.setTimeout(() => {
        this.#timedOut = true;
        this.#controller.abort(new TimeoutError(`timed out after ${timeoutMs} ms`));
      }, timeoutMs);
    }
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get timedOut(): boolean {
    return this.#timedOut;
  }

  /** The `abort` listener of the linked signals. */
  handleEvent(event: Event): void {
    this.#controller.abort((event.target as AbortSignal).reason);
  }

  disarm(): void {
    if (this.#handle !== undefined) this.#clock.clearTimeout(this.#handle);
    this.#handle = undefined;
  }

  done(): void {
    this.disarm();
    if (this.#linked) for (const s of this.#linked) s.removeEventListener('abort', this);
    this.#linked = undefined;
  }

  abort(): void {
    this.done();
    this.#controller.abort();
  }
}

/** Opens the scope of one attempt: linked to `signals`, aborted after `timeoutMs` on `clock`. */
export function attemptScope(
  signals: ReadonlyArray<AbortSignal | undefined>,
  timeoutMs: number,
  clock: Clock,
): AttemptScope {
  return new Scope(signals, timeoutMs, clock);
}

/** What the error mappers need to know about the call. */
export interface CallInfo {
  method: string;
  /** Already redacted. */
  url: string;
  timeoutMs: number;
  /** The caller's own signal, to tell an abort from an outer policy's cancel. */
  callerSignal?: AbortSignal | undefined;
  /** The policy's signal for this attempt. */
  policySignal?: AbortSignal | undefined;
}

/**
 * Maps anything thrown while fetching or reading a body: our own errors pass through; a fired
 * timeout is `TimeoutError`; a caller abort is `AbortError`; an outer policy's cancel keeps its
 * reason; anything else (reset, refused, DNS, "terminated") is a retryable `NetworkError`.
 * Foreign messages are not copied: they may echo headers or URLs.
 */
export function transportError(error: unknown, scope: AttemptScope, info: CallInfo): Error {
  if (isIntegrationError(error)) return error;
  const what = `${info.method} ${info.url}`;
  if (scope.timedOut) {
    return new TimeoutError(`${what} timed out after ${info.timeoutMs} ms`, {
      cause: error,
      details: { method: info.method, url: info.url, timeoutMs: info.timeoutMs },
    });
  }
  for (const signal of [info.callerSignal, info.policySignal, scope.signal]) {
    if (!signal?.aborted) continue;
    // An outer policy (timeout) aborts with its own error; a plain abort becomes AbortError.
    const reason: unknown = signal.reason;
    return isIntegrationError(reason) ? reason : new AbortError(`${what} was aborted`, { cause: reason });
  }
  return new NetworkError(`${what} failed: network error`, {
    cause: error,
    details: { method: info.method, url: info.url },
  });
}

const RETRY_AFTER_SECONDS = /^\d+(\.\d+)?$/;

/** `Retry-After` as milliseconds from `now`: delta-seconds or an HTTP date; else undefined. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (RETRY_AFTER_SECONDS.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Replaces every secret value (and a token without its scheme) by `REDACTED`. */
export function scrub(text: string, secrets: readonly string[]): string {
  for (const secret of secrets) {
    for (const part of [secret, secret.replace(/^(Bearer|Basic|Token) /i, '')]) {
      if (part.length >= 6) text = text.split(part).join('REDACTED');
    }
    // Cookie headers: scrub each cookie value too.
    for (const pair of secret.split(';')) {
      const value = pair.slice(pair.indexOf('=') + 1).trim();
      if (pair.includes('=') && value.length >= 6) text = text.split(value).join('REDACTED');
    }
  }
  return text;
}

/** Builds the `HttpError` of a non-2xx response; the values sent as secrets are scrubbed from the excerpt. */
export async function httpErrorFrom(
  response: Response,
  info: CallInfo,
  now: number,
  secrets: readonly string[],
): Promise<HttpError> {
  let excerpt = await readExcerpt(response);
  if (excerpt && secrets.length > 0) excerpt = scrub(excerpt, secrets);
  excerpt = excerpt?.slice(0, 1024);
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now);
  return new HttpError(`${info.method} ${info.url} failed with HTTP ${response.status}`, {
    status: response.status,
    method: info.method,
    url: info.url,
    ...(excerpt === undefined ? {} : { bodyExcerpt: excerpt }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}
