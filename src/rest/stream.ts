import type { EventSourceMessage } from 'eventsource-parser';
import { IntegrationError } from '../errors/integration-error.js';
import { assertNumber, assertObject } from '../internal/config.js';
import { type AttemptScope, transportError } from './attempt.js';
import type { HttpSend } from './client.js';
import { prepareCall, sendCall } from './request-body.js';
import type { Resolved } from './transport.js';
import type { SseEvent, StreamOptions } from './types.js';
import type { createResolver } from './url.js';

/**
 * Opens a Server-Sent Events stream. Connecting (up to the response headers) runs under the
 * client's policy and `timeoutMs`; after that the stream lives until the server ends it, the
 * loop breaks, or `signal` aborts — each of which cancels the body and aborts the request, so
 * the connection is closed.
 */
export function openStream(
  r: Resolved,
  resolve: ReturnType<typeof createResolver>,
  http: HttpSend,
  path: string,
  opts: StreamOptions,
): AsyncIterableIterator<SseEvent> {
  assertObject('options', opts);
  const method = opts.method ?? (opts.json !== undefined || opts.body !== undefined ? 'POST' : 'GET');
  const target = resolve(path, opts.params, opts.searchParams);
  const call = prepareCall(r, method, target, opts, 'text/event-stream');
  const maxEvent = assertNumber('maxEventBytes', opts.maxEventBytes ?? 1024 * 1024, { min: 1, integer: true });
  const safeUrl = target.safe;
  const info = { method, url: safeUrl, timeoutMs: call.timeoutMs, callerSignal: opts.signal };

  async function* events(): AsyncGenerator<SseEvent> {
    // Loaded on first use (before connecting): bundlers that split code keep the parser out of
    // apps that never stream.
    const { createParser } = await import('eventsource-parser');
    let scope: AttemptScope | undefined;
    const response = await sendCall(
      r,
      http,
      call,
      opts,
      async (res, s) => {
        scope = s;
        return res;
      },
      true,
    );
    const reader = response.body?.getReader();
    if (!reader || !scope) {
      scope?.done();
      return;
    }
    const queue: EventSourceMessage[] = [];
    let failure: IntegrationError | undefined;
    const parser = createParser({
      maxBufferSize: maxEvent,
      onEvent: (event) => queue.push(event),
      onError: (error) => {
        if (error.type === 'max-buffer-size-exceeded') {
          failure = new IntegrationError(`${method} ${safeUrl}: an event exceeds maxEventBytes (${maxEvent})`, {
            code: 'PAYLOAD_TOO_LARGE',
            details: { maxEventBytes: maxEvent },
          });
        }
      },
    });
    const decoder = new TextDecoder();
    try {
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (error) {
          throw transportError(error, scope, info);
        }
        if (chunk.done) break;
        parser.feed(decoder.decode(chunk.value, { stream: true }));
        if (failure) throw failure;
        while (queue.length > 0) yield queue.shift() as EventSourceMessage;
      }
    } finally {
      // Runs on completion, error, `break` and `return()`: release the connection.
      void reader.cancel().catch(() => {});
      scope.abort();
    }
  }

  return events();
}
