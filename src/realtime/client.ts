import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { HttpError } from '../errors/http-error.js';
import { IntegrationError } from '../errors/integration-error.js';
import { NetworkError } from '../errors/network-error.js';
import { systemClock } from '../internal/clock.js';
import { assertNumber, configError } from '../internal/config.js';
import { sleep } from '../internal/sleep.js';
import { assertBackoff, type Backoff, backoffDelay, exponential } from '../policies/backoff.js';
import type { Clock } from '../types.js';
import type { RealtimeItem } from './types.js';

/** Options of {@link connectSSE}. */
export interface ConnectSSEOptions {
  /** Topics to receive (sent as `?topics=a,b`). Default: every topic the server allows. */
  topics?: readonly string[];
  /** Extra request headers, e.g. `Authorization`. */
  headers?: HeadersInit;
  /** Resume after this id (sent as `Last-Event-ID`). */
  lastEventId?: string;
  /** Stops the connection and ends the iteration. */
  signal?: AbortSignal;
  /** Callback mode: receives every item; the connection then consumes itself. */
  onEvent?: (item: RealtimeItem) => void;
  /** Callback mode: receives the error that ended the connection. */
  onError?: (error: unknown) => void;
  /** Delay after failed attempts (network errors, 5xx, 429). @default exponential({ initial: 500, max: 30000 }) */
  backoff?: Backoff;
  /** Consecutive failed attempts before giving up with the last error. @default Infinity */
  maxRetries?: number;
  /** Largest event accepted, in characters. @default 1048576 */
  maxEventBytes?: number;
  /** `fetch` implementation. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Time source for reconnect delays. @default systemClock */
  clock?: Clock;
}

/** A live SSE connection: an async iterable of events and control messages. */
export interface SSEConnection extends AsyncIterable<RealtimeItem> {
  /** Id of the last event received; sent as `Last-Event-ID` on reconnect. */
  readonly lastEventId: string | undefined;
  /** Stops reconnecting and ends the iteration. */
  close(): void;
  /** Settles when the connection ends: resolves on close/abort, rejects on a fatal error. */
  readonly done: Promise<void>;
}

const RETRYABLE = new Set([408, 429, 500, 502, 503, 504]);

function safeUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/**
 * Connects to an SSE endpoint of a realtime hub and yields its events, reconnecting on its own:
 * after a dropped stream it waits the server's `retry:` delay, after failures it backs off
 * exponentially with jitter, and it always resumes with `Last-Event-ID`. Refusals (401, 403,
 * 404, ...) end the iteration with an `HttpError`. Works in browsers, Node and edge runtimes.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * for await (const item of connectSSE('/events', { topics: ['ai_progress'], signal: controller.signal })) {
 *   if (item.topic !== undefined) render(item.topic, item.data);
 *   else if (item.type === 'reset') await reloadState();
 * }
 * ```
 */
export function connectSSE(url: string | URL, options: ConnectSSEOptions = {}): SSEConnection {
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  let parsed: URL | undefined;
  try {
    parsed = new URL(url, base);
  } catch {}
  // No cause kept: the runtime's message quotes the URL, credentials included.
  if (!parsed || !/^https?:$/.test(parsed.protocol)) {
    throw new IntegrationError('connectSSE: url must be an http(s) URL', { code: 'INVALID_URL' });
  }
  const target = parsed;
  // fetch refuses such a URL with an error quoting it, password included.
  if (target.username || target.password) {
    configError('connectSSE: url must not contain credentials; send an authorization header instead');
  }
  let headers: Headers;
  try {
    headers = new Headers(options.headers);
  } catch {
    // The runtime's message may quote the (secret) value.
    configError('connectSSE: headers contain an invalid name or value');
  }
  headers.set('accept', 'text/event-stream');
  if (options.topics !== undefined) {
    if (!Array.isArray(options.topics)) configError('connectSSE: topics must be an array');
    target.searchParams.set('topics', options.topics.join(','));
  }
  const backoff =
    options.backoff === undefined ? exponential({ initial: 500, max: 30_000 }) : assertBackoff(options.backoff);
  const maxRetries = assertNumber('maxRetries', options.maxRetries ?? Number.POSITIVE_INFINITY);
  const maxEventBytes = assertNumber('maxEventBytes', options.maxEventBytes ?? 1_048_576, { min: 1 });
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') configError('connectSSE: no fetch implementation');
  const clock = options.clock ?? systemClock;
  const controller = new AbortController();
  const signal = controller.signal;
  const onOuterAbort = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) controller.abort(options.signal.reason);
  else options.signal?.addEventListener('abort', onOuterAbort, { once: true });

  let lastEventId = options.lastEventId;
  let retryMs = 2000;
  let iterating = false;

  async function* run(): AsyncGenerator<RealtimeItem> {
    let failures = 0;
    let lastError: unknown;
    while (!signal.aborted) {
      if (failures > 0) {
        if (failures > maxRetries) throw lastError;
        // The iterating caller awaits reconnect waits: they hold a Node process open (`true`).
        await sleep(backoffDelay(backoff, failures), signal, clock, true).catch(() => undefined);
        if (signal.aborted) return;
      }
      if (lastEventId) headers.set('last-event-id', lastEventId);
      let response: Response;
      try {
        // No `cache` option: some edge runtimes reject it; SSE responses are `no-cache` anyway.
        response = await fetchImpl(target, { headers, signal });
      } catch (cause) {
        if (signal.aborted) return;
        failures++;
        lastError = new NetworkError(`connectSSE: cannot reach ${safeUrl(target)}`, { cause, retryable: true });
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        const error = new HttpError(`connectSSE: ${response.status} from ${safeUrl(target)}`, {
          status: response.status,
          method: 'GET',
          url: safeUrl(target),
        });
        if (!RETRYABLE.has(response.status)) throw error;
        failures++;
        lastError = error;
        continue;
      }
      const type = response.headers.get('content-type') ?? '';
      if (!type.toLowerCase().startsWith('text/event-stream') || !response.body) {
        await response.body?.cancel().catch(() => undefined);
        throw new IntegrationError(`connectSSE: ${safeUrl(target)} did not answer with text/event-stream`, {
          code: 'INVALID_RESPONSE',
        });
      }
      failures = 0;
      yield* readStream(response.body);
      if (signal.aborted) return;
      await sleep(retryMs, signal, clock, true).catch(() => undefined);
    }
  }

  async function* readStream(body: ReadableStream<Uint8Array>): AsyncGenerator<RealtimeItem> {
    const pending: EventSourceMessage[] = [];
    let parseError: unknown;
    const parser = createParser({
      maxBufferSize: maxEventBytes,
      onEvent: (event) => pending.push(event),
      onRetry: (ms) => {
        // A longer timer fires after 1 ms: a server's huge retry: would become a reconnect storm.
        retryMs = Math.min(ms, 2_147_483_647);
      },
      onError: (error) => {
        if (error.type === 'max-buffer-size-exceeded') parseError = error;
      },
    });
    const reader = body.getReader();
    const decoder = new TextDecoder();
    // Some fetch implementations do not end the body on abort; cancelling unblocks the read.
    const onAbort = () => void reader.cancel().catch(() => undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (true) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch {
          return; // dropped connection (or abort): the caller reconnects or stops
        }
        if (chunk.done) return;
        parser.feed(decoder.decode(chunk.value, { stream: true }));
        if (!parseError && pending.some((e) => e.data.length > maxEventBytes)) parseError = new Error('too large');
        if (parseError) {
          throw new IntegrationError(`connectSSE: an event exceeded ${maxEventBytes} characters`, {
            code: 'PAYLOAD_TOO_LARGE',
            cause: parseError,
          });
        }
        while (pending.length > 0) {
          const event = pending.shift() as EventSourceMessage;
          let item: RealtimeItem;
          try {
            item = JSON.parse(event.data) as RealtimeItem;
          } catch (cause) {
            throw new IntegrationError('connectSSE: an event carried data that is not JSON', {
              code: 'INVALID_RESPONSE',
              cause,
            });
          }
          if (event.id !== undefined) lastEventId = event.id;
          yield item;
          if (signal.aborted) return;
        }
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      reader.cancel().catch(() => undefined);
    }
  }

  let settle!: { resolve: () => void; reject: (e: unknown) => void };
  const done = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  done.catch(() => undefined);

  function iterate(): AsyncIterator<RealtimeItem> {
    if (iterating) configError('connectSSE: a connection can be iterated only once');
    iterating = true;
    const inner = run();
    const finish = () => options.signal?.removeEventListener('abort', onOuterAbort);
    return {
      async next() {
        try {
          const result = await inner.next();
          if (result.done) {
            finish();
            settle.resolve();
          }
          return result;
        } catch (error) {
          finish();
          settle.reject(error);
          throw error;
        }
      },
      async return() {
        controller.abort();
        finish();
        settle.resolve();
        await inner.return(undefined);
        return { done: true, value: undefined };
      },
    };
  }

  const connection: SSEConnection = {
    [Symbol.asyncIterator]: iterate,
    get lastEventId() {
      return lastEventId;
    },
    close() {
      controller.abort();
    },
    done,
  };

  if (options.onEvent) {
    const onEvent = options.onEvent;
    const iterator = iterate();
    void (async () => {
      try {
        while (true) {
          const { done: finished, value } = await iterator.next();
          if (finished) return;
          try {
            onEvent(value);
          } catch (error) {
            options.onError?.(error); // a failing handler must not end the connection
          }
        }
      } catch (error) {
        options.onError?.(error);
      }
    })();
  }
  return connection;
}
