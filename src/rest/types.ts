import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { EventSourceMessage } from 'eventsource-parser';
import type { EventSink } from '../bus/types.js';
import type { Clock, Logger, Policy } from '../types.js';

/**
 * Adds one credential header to every request. Build it with `bearer`, `apiKeyHeader` or
 * `basic`; `value()` is called per attempt, so rotating tokens work.
 */
export interface Auth {
  /** Header name (lower case), e.g. `authorization`. */
  readonly header: string;
  /** Returns the full header value. Never logged. */
  value(): string | Promise<string>;
}

/** A path parameter value, percent-encoded into `:name` segments (numbers must be finite). */
export type PathParam = string | number | boolean | bigint;

/**
 * Query parameters: `undefined` and `null` values are skipped, arrays repeat the key. Values are
 * strings, finite numbers, booleans or bigints; anything else (a nested object) throws `CONFIG`.
 */
export type SearchParams =
  | URLSearchParams
  | string
  | Record<string, PathParam | null | undefined | ReadonlyArray<PathParam>>;

/** How the response body is returned. */
export type ResponseType = 'json' | 'text' | 'bytes' | 'response';

/** Options shared by REST and GraphQL clients. */
export interface HttpClientOptions {
  /** Name used in events, log lines and breaker names. @default the base URL's host */
  name?: string;
  /** Credential added to every request. */
  auth?: Auth;
  /** Headers added to every request. Never logged. */
  headers?: HeadersInit;
  /**
   * Per-attempt time limit in ms (`0` disables it), at most 2147483647 (about 24.8 days, the
   * longest timer delay); covers the headers and the body. @default 30000
   */
  timeoutMs?: number;
  /**
   * Resilience policy around each call. `false` runs each call once.
   * @default retry({ maxAttempts: 3, backoff: exponential() }) (idempotent calls only)
   */
  policy?: Policy | false;
  /** A `rateLimit` policy shared by every call of the client; each attempt takes a token. */
  rateLimit?: Policy;
  /** Receives `http.request`, `http.response` (and the default retry's `http.retry`). */
  bus?: EventSink;
  /** Structured logger: failures at `warn`, responses at `debug`. Never sees secrets. */
  logger?: Logger;
  /** Time source for timeouts and retry delays. @default systemClock */
  clock?: Clock;
  /** `fetch` implementation. @default globalThis.fetch (looked up per request) */
  fetch?: typeof fetch;
  /** Largest response body read into memory, in bytes; larger ones throw `PAYLOAD_TOO_LARGE`. @default 10485760 */
  maxBodyBytes?: number;
}

/** Options of {@link createRestClient}. */
export interface RestClientOptions extends HttpClientOptions {
  /** Absolute `http(s)` URL every path is resolved under, e.g. `https://api.openai.com/v1`. */
  baseUrl: string;
}

/** Options of one REST call. */
export interface RequestOptions<S extends StandardSchemaV1 | undefined = undefined> {
  /** Serialised as JSON with `content-type: application/json`. */
  json?: unknown;
  /** Raw body (ignored when `json` is given). */
  body?: BodyInit;
  /** Values for `:name` segments of the path, percent-encoded. */
  params?: Record<string, PathParam>;
  searchParams?: SearchParams;
  headers?: HeadersInit;
  /** Validates (and types) the parsed JSON body; failure throws `ValidationError`. */
  schema?: S;
  /**
   * Sent as `Idempotency-Key`, the same on every attempt; lets the policy retry POST/PATCH.
   * `true` generates a random key; a string must be non-blank and valid in a header.
   */
  idempotencyKey?: string | true;
  /** @default 'json' */
  responseType?: ResponseType;
  signal?: AbortSignal;
  /** Overrides the client's `timeoutMs` for this call (`0` disables it; at most 2147483647). */
  timeoutMs?: number;
}

/** Options of {@link RestClient.stream}. */
export interface StreamOptions extends Omit<RequestOptions, 'schema' | 'responseType'> {
  /** @default 'GET' (or 'POST' when `json` or `body` is given) */
  method?: 'GET' | 'POST';
  /** Largest single event (buffered line plus data) in characters. @default 1048576 */
  maxEventBytes?: number;
}

/** One Server-Sent Event: `data` is the raw text (join of its `data:` lines). */
export type SseEvent = EventSourceMessage;

/** Result type of a call with options `O`. */
export type ResultOf<O> = O extends { responseType: 'text' }
  ? string
  : O extends { responseType: 'bytes' }
    ? Uint8Array
    : O extends { responseType: 'response' }
      ? Response
      : O extends { schema: infer S extends StandardSchemaV1 }
        ? StandardSchemaV1.InferOutput<S>
        : unknown;

/** A call method: `get(path, options)` resolves to the parsed body. */
export type CallMethod = <T = never, O extends RequestOptions<StandardSchemaV1 | undefined> = RequestOptions>(
  path: string,
  options?: O,
) => Promise<[T] extends [never] ? ResultOf<O> : T>;

/** A REST client bound to one base URL. */
export interface RestClient {
  readonly name: string;
  readonly baseUrl: string;
  get: CallMethod;
  post: CallMethod;
  put: CallMethod;
  patch: CallMethod;
  delete: CallMethod;
  /**
   * Sends a request with any method (an HTTP token such as `HEAD` or `PROPFIND`, case-insensitive;
   * `CONNECT`, `TRACE` and `TRACK`, which `fetch` forbids, throw `CONFIG`).
   */
  request<T = never, O extends RequestOptions<StandardSchemaV1 | undefined> = RequestOptions>(
    method: string,
    path: string,
    options?: O,
  ): Promise<[T] extends [never] ? ResultOf<O> : T>;
  /**
   * Opens a Server-Sent Events stream. Breaking out of the loop or aborting `signal` closes
   * the connection. Throws `INVALID_URL` synchronously for a bad path.
   */
  stream(path: string, options?: StreamOptions): AsyncIterableIterator<SseEvent>;
}
