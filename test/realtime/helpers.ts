import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface SseReader {
  /** Next `count` events (comments excluded), parsed with eventsource-parser. */
  events(count: number, timeoutMs?: number): Promise<EventSourceMessage[]>;
  /** Reads until `check()` holds (or the stream ends). */
  readUntil(check: () => boolean): Promise<void>;
  /** Everything parsed so far. */
  readonly retry: number | undefined;
  readonly comments: string[];
  /** Resolves when the stream ends. */
  ended(): Promise<void>;
  cancel(): Promise<void>;
}

/** Reads an SSE body with our own parser of reference (eventsource-parser). */
export function sseReader(body: ReadableStream<Uint8Array>): SseReader {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const queue: EventSourceMessage[] = [];
  const comments: string[] = [];
  let retry: number | undefined;
  let finished = false;
  const parser = createParser({
    onEvent: (e) => queue.push(e),
    onRetry: (ms) => {
      retry = ms;
    },
    onComment: (c) => comments.push(c),
    onError: (error) => {
      throw error;
    },
  });
  async function pump(): Promise<boolean> {
    const { done, value } = await reader.read();
    if (done) {
      finished = true;
      return false;
    }
    parser.feed(decoder.decode(value, { stream: true }));
    return true;
  }
  return {
    async events(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (queue.length < count) {
        if (finished) throw new Error(`stream ended after ${queue.length} of ${count} events`);
        if (Date.now() > deadline) throw new Error(`timed out with ${queue.length} of ${count} events`);
        await pump();
      }
      return queue.splice(0, count);
    },
    async readUntil(check) {
      while (!check() && (await pump()));
    },
    get retry() {
      return retry;
    },
    comments,
    async ended() {
      while (!finished) await pump();
    },
    cancel: () => reader.cancel(),
  };
}

/** Polls `check` until it is true (or throws after `timeoutMs`). */
export async function until(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A Request for a hub endpoint. */
export function sseRequest(path = '/events', init: RequestInit = {}): Request {
  return new Request(`http://localhost${path}`, init);
}
