import { delay, HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { z } from 'zod';
import { createBus } from '../../src/bus/index.js';
import { isAbortError } from '../../src/errors/abort-error.js';
import { isHttpError } from '../../src/errors/http-error.js';
import { isNetworkError } from '../../src/errors/network-error.js';
import { isValidationError } from '../../src/errors/validation-error.js';
import { constant, retry } from '../../src/policies/index.js';
import { bearer, createRestClient } from '../../src/rest/index.js';

const BASE = 'https://api.test/v1';
const calls = new Map<string, number>();
const count = (key: string) => {
  const n = (calls.get(key) ?? 0) + 1;
  calls.set(key, n);
  return n;
};

const msw = setupServer(
  http.get(`${BASE}/users/:id`, ({ params, request }) =>
    HttpResponse.json({
      id: Number(params.id),
      name: 'Ada',
      auth: request.headers.get('authorization'),
      accept: request.headers.get('accept'),
      q: new URL(request.url).searchParams.getAll('tag'),
    }),
  ),
  http.post(`${BASE}/echo`, async ({ request }) =>
    HttpResponse.json({ body: await request.json(), type: request.headers.get('content-type') }),
  ),
  http.get(`${BASE}/text`, () => HttpResponse.text('plain words')),
  http.get(`${BASE}/bytes`, () => HttpResponse.arrayBuffer(new Uint8Array([1, 2, 3]).buffer)),
  http.delete(`${BASE}/empty`, () => new HttpResponse(null, { status: 204 })),
  http.head(`${BASE}/users/:id`, () => new HttpResponse(null, { status: 200, headers: { 'content-length': '0' } })),
  http.options(`${BASE}/opts`, () => {
    count('opts');
    return HttpResponse.text('busy', { status: 503 });
  }),
  http.get(`${BASE}/status/:code`, ({ params }) => {
    count(`status-${params.code}`);
    return HttpResponse.text('x'.repeat(5000), { status: Number(params.code) });
  }),
  http.get(`${BASE}/dated`, () =>
    HttpResponse.json({}, { status: 429, headers: { 'retry-after': new Date(Date.now() + 30_000).toUTCString() } }),
  ),
  http.get(`${BASE}/network`, () => {
    count('network');
    return HttpResponse.error();
  }),
  http.get(`${BASE}/hang`, async () => {
    count('hang');
    await delay('infinite');
    return HttpResponse.json({});
  }),
  http.get(`${BASE}/secret-echo`, ({ request }) =>
    HttpResponse.text(
      `denied for ${request.headers.get('authorization')} cookie=${request.headers.get('cookie')} key=${request.headers.get('x-api-key')} url=${request.url}`,
      { status: 500 },
    ),
  ),
);

beforeAll(() => msw.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  msw.resetHandlers();
  calls.clear();
});
afterAll(() => msw.close());

const once = { policy: false as const };

describe('createRestClient contract (msw)', () => {
  it('GETs JSON with path params, query, auth and accept; a schema narrows the type', async () => {
    const api = createRestClient({ baseUrl: BASE, auth: bearer('tok-123') });
    const schema = z.object({
      id: z.number(),
      name: z.string(),
      auth: z.string(),
      accept: z.string(),
      q: z.array(z.string()),
    });
    const user = await api.get('/users/:id', { params: { id: 42 }, searchParams: { tag: ['a', 'b'] }, schema });
    expectTypeOf(user).toEqualTypeOf<z.infer<typeof schema>>();
    expect(user).toEqual({ id: 42, name: 'Ada', auth: 'Bearer tok-123', accept: 'application/json', q: ['a', 'b'] });
  });

  it('throws ValidationError with issues, method and url when the schema fails', async () => {
    const api = createRestClient({ baseUrl: BASE, ...once });
    const error = await api.get('/users/7', { schema: z.object({ id: z.string() }) }).catch((e: unknown) => e);
    expect(isValidationError(error)).toBe(true);
    if (!isValidationError(error)) return;
    expect(error.issues.length).toBeGreaterThan(0);
    expect(error.details).toEqual({ method: 'GET', url: `${BASE}/users/7` });
  });

  it('sends json bodies, and returns text, bytes, raw responses and undefined for 204', async () => {
    const api = createRestClient({ baseUrl: BASE, ...once });
    await expect(api.post('/echo', { json: { a: [1] } })).resolves.toEqual({
      body: { a: [1] },
      type: 'application/json',
    });
    await expect(api.get('/text', { responseType: 'text' })).resolves.toBe('plain words');
    const bytes = await api.get('/bytes', { responseType: 'bytes' });
    expect(Array.from(bytes)).toEqual([1, 2, 3]);
    const response = await api.get('/text', { responseType: 'response' });
    expect(response).toBeInstanceOf(Response);
    expect(await response.text()).toBe('plain words');
    await expect(api.delete('/empty')).resolves.toBeUndefined();
  });

  it('supports HEAD and any method through request(); OPTIONS is retried like GET', async () => {
    const api = createRestClient({ baseUrl: BASE, policy: retry({ maxAttempts: 2, backoff: constant(0) }) });
    await expect(api.request('HEAD', '/users/1')).resolves.toBeUndefined();
    await expect(api.request('options', '/opts')).rejects.toMatchObject({ status: 503, method: 'OPTIONS' });
    expect(calls.get('opts')).toBe(2);
  });

  it("responseType 'response' still turns a non-2xx into HttpError", async () => {
    const api = createRestClient({ baseUrl: BASE, policy: false });
    await expect(api.get('/status/404', { responseType: 'response' })).rejects.toMatchObject({ status: 404 });
  });

  it('awaits an async token before every attempt (rotation)', async () => {
    let n = 0;
    const api = createRestClient({ baseUrl: BASE, auth: bearer(async () => `rot-${++n}`), ...once });
    expect(((await api.get('/users/1')) as { auth: string }).auth).toBe('Bearer rot-1');
    expect(((await api.get('/users/1')) as { auth: string }).auth).toBe('Bearer rot-2');
  });

  it('maps statuses to HttpError with retryable, a 1 KB excerpt and exact attempt counts', async () => {
    const api = createRestClient({ baseUrl: BASE, policy: retry({ maxAttempts: 3, backoff: constant(0) }) });
    for (const code of [408, 425, 429, 500, 502, 503, 504]) {
      const error = await api.get(`/status/${code}`).catch((e: unknown) => e);
      expect(isHttpError(error) && error.retryable).toBe(true);
      expect(calls.get(`status-${code}`)).toBe(3);
    }
    for (const code of [400, 401, 404, 409, 422, 501]) {
      const error = await api.get(`/status/${code}`).catch((e: unknown) => e);
      expect(isHttpError(error)).toBe(true);
      if (!isHttpError(error)) return;
      expect(error.retryable).toBe(false);
      expect(error.status).toBe(code);
      expect(error.method).toBe('GET');
      expect(error.url).toBe(`${BASE}/status/${code}`);
      expect(error.bodyExcerpt?.length).toBe(1024);
      expect(calls.get(`status-${code}`)).toBe(1);
    }
  });

  it('reads Retry-After as an HTTP date', async () => {
    const api = createRestClient({ baseUrl: BASE, ...once });
    const error = await api.get('/dated').catch((e: unknown) => e);
    expect(isHttpError(error)).toBe(true);
    const after = (error as { retryAfterMs: number }).retryAfterMs;
    expect(after).toBeGreaterThan(25_000);
    expect(after).toBeLessThanOrEqual(30_000);
  });

  it('maps a failed connection to a retryable NetworkError', async () => {
    const api = createRestClient({ baseUrl: BASE, policy: retry({ maxAttempts: 2, backoff: constant(0) }) });
    const error = await api.get('/network').catch((e: unknown) => e);
    expect(isNetworkError(error)).toBe(true);
    expect(calls.get('network')).toBe(2);
  });

  it('a caller abort is an AbortError and is never retried', async () => {
    const api = createRestClient({ baseUrl: BASE, policy: retry({ maxAttempts: 3, backoff: constant(0) }) });
    const controller = new AbortController();
    const pending = api.get('/hang', { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const error = await pending.catch((e: unknown) => e);
    expect(isAbortError(error)).toBe(true);
    expect((error as { retryable: boolean }).retryable).toBe(false);
    expect(calls.get('hang')).toBe(1);
    await expect(api.get('/hang', { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('an abort during the Retry-After wait ends the call with AbortError, without another attempt', async () => {
    const bus = createBus();
    let requests = 0;
    bus.subscribe('http.request', () => {
      requests++;
    });
    const api = createRestClient({ baseUrl: BASE, bus }); // default policy: waits the server's 30 s
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await api.get('/dated', { signal: controller.signal }).catch((e: unknown) => e);
    expect(isAbortError(error)).toBe(true);
    expect(requests).toBe(1);
  });

  it('publishes http.request and http.response per attempt', async () => {
    const bus = createBus();
    const seen: unknown[] = [];
    bus.subscribe('*', (e) => void seen.push({ type: e.type, ...(e.data as object) }));
    const api = createRestClient({
      baseUrl: BASE,
      name: 'users',
      bus,
      policy: retry({ maxAttempts: 2, backoff: constant(0), bus }),
    });
    await api.get('/users/1');
    await api.get('/status/503').catch(() => {});
    expect(seen).toEqual([
      { type: 'http.request', client: 'users', method: 'GET', url: `${BASE}/users/1`, attempt: 1 },
      expect.objectContaining({ type: 'http.response', status: 200, attempt: 1, durationMs: expect.any(Number) }),
      expect.objectContaining({ type: 'http.request', attempt: 1 }),
      expect.objectContaining({ type: 'http.response', status: 503, attempt: 1 }),
      expect.objectContaining({ type: 'http.retry', name: 'retry', attempt: 2 }),
      expect.objectContaining({ type: 'http.request', attempt: 2 }),
      expect.objectContaining({ type: 'http.response', status: 503, attempt: 2 }),
    ]);
  });

  it('uses an injected fetch, and refuses bodies it cannot send before any request', async () => {
    const fetchSpy = vi.fn(async (_input: RequestInfo | URL) => Response.json({ injected: true }));
    const api = createRestClient({ baseUrl: 'https://nowhere.invalid', fetch: fetchSpy, ...once });
    await expect(api.get('/x')).resolves.toEqual({ injected: true });
    expect(fetchSpy).toHaveBeenCalledTimes(1);
    await expect(api.post('/x', { json: { n: 1n } })).rejects.toMatchObject({ code: 'NOT_SERIALIZABLE' });
    await expect(api.get('/x', { body: 'nope' })).rejects.toMatchObject({ code: 'CONFIG' });
    await expect(api.get('/x', { responseType: 'xml' as never })).rejects.toMatchObject({ code: 'CONFIG' });
    await expect(api.get('/x', { responseType: 'text', schema: z.string() })).rejects.toMatchObject({ code: 'CONFIG' });
    expect(fetchSpy).toHaveBeenCalledTimes(1);
  });
});

describe('secrets never leak (canary)', () => {
  it('keeps Authorization, cookies, key headers and secret query values out of messages, toJSON, logs and events', async () => {
    const CANARY = 'CANARY-7f3a9c-SECRET';
    const bus = createBus();
    const published: string[] = [];
    bus.subscribe('*', (e) => void published.push(JSON.stringify(e)));
    const lines: string[] = [];
    const log = (obj: object, msg?: string) => void lines.push(JSON.stringify(obj) + (msg ?? ''));
    const logger = { debug: log, info: log, warn: log, error: log };
    const api = createRestClient({
      baseUrl: BASE,
      auth: bearer(CANARY),
      headers: { cookie: `sid=${CANARY}-cookie; theme=dark`, 'x-api-key': `${CANARY}-key` },
      bus,
      logger,
      policy: retry({ maxAttempts: 2, backoff: constant(0), bus, logger }),
    });
    const error = await api
      .get('/secret-echo', {
        searchParams: { token: `${CANARY}-q1`, api_key: `${CANARY}-q2`, signature: `${CANARY}-q3`, page: 1 },
      })
      .catch((e: unknown) => e);
    expect(isHttpError(error)).toBe(true);
    if (!isHttpError(error)) return;
    expect(error.url).toContain('page=1');
    const surfaces = [
      error.message,
      error.url,
      error.bodyExcerpt ?? '',
      JSON.stringify(error.toJSON()),
      String(error.stack),
      ...lines,
      ...published,
    ];
    expect(lines.length).toBeGreaterThan(0);
    expect(published.length).toBeGreaterThan(0);
    for (const text of surfaces) expect(text).not.toContain('CANARY');
    expect(error.bodyExcerpt).toContain('REDACTED');
  });
});
