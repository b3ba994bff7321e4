import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAbortError } from '../../src/errors/abort-error.js';
import { isHttpError } from '../../src/errors/http-error.js';
import { bearer, createRestClient, type SseEvent } from '../../src/rest/index.js';
import { json, startServer } from './server.js';

let server: Awaited<ReturnType<typeof startServer>>;
const closed: string[] = [];

function sse(res: ServerResponse, path: string) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.on('close', () => {
    if (!res.writableFinished) closed.push(path);
  });
}

beforeAll(async () => {
  server = await startServer({
    '/tokens': (_req, res, seen) => {
      sse(res, '/tokens');
      const body = JSON.parse(seen.body || '{}') as { prompt?: string };
      res.write(`: ping\n\nid: 1\ndata: {"token":"Hel`);
      setTimeout(() => {
        res.write(`lo"}\n\nevent: delta\ndata: ${body.prompt ?? 'none'}\ndata: second line\n\n`);
        res.end('data: [DONE]\n\n');
      }, 10);
    },
    '/endless': (_req, res) => {
      sse(res, '/endless');
      let i = 0;
      const timer = setInterval(() => res.write(`data: ${i++}\n\n`), 5);
      res.on('close', () => clearInterval(timer));
    },
    '/huge-event': (_req, res) => {
      sse(res, '/huge-event');
      res.write(`data: ${'x'.repeat(64 * 1024)}`);
      const timer = setInterval(() => res.write('x'.repeat(64 * 1024)), 5);
      res.on('close', () => clearInterval(timer));
    },
    '/denied': (_req, res) => json(res, 401, { error: 'bad key' }),
  });
});

afterAll(() => server.close());

const waitFor = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  return check();
};

describe('stream() Server-Sent Events', () => {
  it('parses events across chunks (POST with json body, LLM-style)', async () => {
    const api = createRestClient({ baseUrl: server.url, auth: bearer('k-123456') });
    const events: SseEvent[] = [];
    for await (const event of api.stream('/tokens', { json: { prompt: 'hi' } })) events.push(event);
    expect(events).toEqual([
      { id: '1', event: undefined, data: '{"token":"Hello"}' },
      { id: undefined, event: 'delta', data: 'hi\nsecond line' },
      { id: undefined, event: undefined, data: '[DONE]' },
    ]);
    const seen = server.seen.find((s) => s.url === '/tokens');
    expect(seen?.method).toBe('POST');
    expect(seen?.headers.accept).toBe('text/event-stream');
    expect(seen?.headers.authorization).toBe('Bearer k-123456');
  });

  it('breaking out of the loop closes the connection', async () => {
    const api = createRestClient({ baseUrl: server.url });
    const got: string[] = [];
    for await (const event of api.stream('/endless')) {
      got.push(event.data);
      if (got.length === 3) break;
    }
    expect(got).toEqual(['0', '1', '2']);
    expect(await waitFor(() => closed.includes('/endless'))).toBe(true);
  });

  it('aborting the signal ends the loop with AbortError and closes the connection', async () => {
    closed.length = 0;
    const api = createRestClient({ baseUrl: server.url });
    const controller = new AbortController();
    let n = 0;
    const error = await (async () => {
      for await (const _ of api.stream('/endless', { signal: controller.signal })) {
        if (++n === 2) controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(isAbortError(error)).toBe(true);
    expect(await waitFor(() => closed.includes('/endless'))).toBe(true);
  });

  it('fails an oversized event with PAYLOAD_TOO_LARGE and closes the connection', async () => {
    const api = createRestClient({ baseUrl: server.url });
    const error = await (async () => {
      for await (const _ of api.stream('/huge-event', { maxEventBytes: 256 * 1024 })) {
        // no complete event ever arrives
      }
    })().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(await waitFor(() => closed.includes('/huge-event'))).toBe(true);
  });

  it('a non-2xx answer is an HttpError before any event', async () => {
    const api = createRestClient({ baseUrl: server.url, policy: false });
    const error = await api
      .stream('/denied')
      .next()
      .catch((e: unknown) => e);
    expect(isHttpError(error) && error.status).toBe(401);
  });
});
