import type { IncomingMessage } from 'node:http';

/** What the adapter tracks about a request body while the handler runs. */
export interface BodyState {
  /** Every byte of the body arrived. */
  ended: boolean;
  /** The handler is done with the body: remaining bytes are counted and dropped. */
  discarding: boolean;
  /** Bytes dropped so far. */
  discarded: number;
}

const NO_BODY = new Set(['GET', 'HEAD']);

/** Chunks of `req` as a Web stream with backpressure (the socket pauses while the queue is full). */
function bodyStream(req: IncomingMessage, state: BodyState, highWaterMark: number): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        req.on('data', (chunk: Buffer) => {
          if (state.discarding) {
            state.discarded += chunk.byteLength;
            return;
          }
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) req.pause();
        });
        req.once('end', () => {
          state.ended = true;
          if (!state.discarding) controller.close();
        });
        req.once('error', (error) => {
          if (!state.discarding) controller.error(error);
        });
        req.once('close', () => {
          if (!state.ended && !state.discarding) controller.error(new Error('the client closed the request'));
        });
      },
      pull() {
        req.resume();
      },
      cancel() {
        // The handler gave up on the body (a 413, say): stop buffering, drop what still comes.
        state.discarding = true;
        req.pause();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark }),
  );
}

/** The URL of `req`: Express's mount path is kept (`originalUrl`); a bad Host falls back to localhost. */
function requestUrl(req: IncomingMessage): string {
  const path = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  const protocol = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  try {
    return new URL(path, `${protocol}://${req.headers.host ?? 'localhost'}`).href;
  } catch {
    return new URL(path.startsWith('/') ? path : '/', `${protocol}://localhost`).href;
  }
}

/**
 * A Fetch `Request` for a Node request: headers from `rawHeaders` (repeats kept), the body as a
 * stream of the untouched raw bytes, `signal` aborted when the client goes away.
 */
export function toRequest(req: IncomingMessage, state: BodyState, signal: AbortSignal, highWaterMark: number): Request {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      headers.append(raw[i] as string, raw[i + 1] as string);
    } catch {
      // A header Fetch refuses (invalid bytes) is dropped, as a Fetch server would.
    }
  }
  const method = req.method ?? 'GET';
  const init: RequestInit & { duplex?: 'half' } = { method, headers, signal };
  if (NO_BODY.has(method)) state.ended = true;
  else {
    init.body = bodyStream(req, state, highWaterMark);
    init.duplex = 'half';
  }
  return new Request(requestUrl(req), init);
}
