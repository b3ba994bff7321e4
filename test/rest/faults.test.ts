import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createBus } from '../../src/bus/index.js';
import { isCircuitOpenError } from '../../src/errors/circuit-open-error.js';
import { isHttpError } from '../../src/errors/http-error.js';
import { isNetworkError } from '../../src/errors/network-error.js';
import { isTimeoutError } from '../../src/errors/timeout-error.js';
import { constant, exponential, rateLimit, retry } from '../../src/policies/index.js';
import { createRestClient, createServices } from '../../src/rest/index.js';
import { createTestClock } from '../../src/testing/index.js';
import { json, startServer } from './server.js';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

let server: Awaited<ReturnType<typeof startServer>>;
let breakerFails = true;
const BIG = 50 * 1024 * 1024;

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  server = await startServer({
    '/flaky': (_req, res, _seen, n) => {
      if (n <= 2) json(res, 503, { error: 'busy' }, { 'retry-after': '1' });
      else json(res, 200, { ok: true, n });
    },
    '/post-503': (_req, res) => json(res, 503, { error: 'busy' }, { 'retry-after': '0' }),
    '/reset': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"partial":"');
      setTimeout(() => res.socket?.destroy(), 20);
    },
    '/slow': (_req, res) => {
      const t = setTimeout(() => json(res, 200, { late: true }), 2_000);
      res.on('close', () => clearTimeout(t));
    },
    '/slow-body': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"a":');
      const t = setTimeout(() => res.end('1}'), 2_000);
      res.on('close', () => clearTimeout(t));
    },
    '/big-chunked': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"data":"');
      const chunk = 'x'.repeat(1024 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < BIG) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end('"}');
      };
      res.on('close', () => {
        sent = Number.POSITIVE_INFINITY;
      });
      pump();
    },
    '/big-declared': (_req, res) => {
      const body = `{"data":"${'x'.repeat(BIG)}"}`;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
      res.end(body);
    },
    '/bad-json': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"unterminated": ');
    },
    '/storm': (_req, res, _seen, n) => {
      if (n <= 5) json(res, 429, { error: 'slow down' }, { 'retry-after': '0' });
      else json(res, 200, { ok: true });
    },
    '/breaker': (_req, res) => {
      if (breakerFails) json(res, 500, { error: 'down' });
      else json(res, 200, { ok: true });
    },
    '/other': (_req, res) => json(res, 200, { ok: true }),
    '/retry-10': (_req, res) => json(res, 503, {}, { 'retry-after': '10' }),
  });
});

afterEach(() => {
  expect(unhandled).toEqual([]);
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await server.close();
});

const fast = () => retry({ maxAttempts: 3, backoff: constant(1) });

describe('faults against a real node:http server', () => {
  it('retries 503 twice, waiting Retry-After (1 s) each time, then returns the 200 body', async () => {
    const bus = createBus();
    const retries: number[] = [];
    const statuses: number[] = [];
    bus.subscribe('http.retry', (e) => {
      retries.push(e.data.delayMs);
    });
    bus.subscribe('http.response', (e) => {
      statuses.push(e.data.status);
    });
    // The default policy: retry 3 attempts, exponential backoff, Retry-After honoured.
    const api = createRestClient({ baseUrl: server.url, bus });
    await expect(api.get('/flaky')).resolves.toEqual({ ok: true, n: 3 });
    expect(server.count('/flaky')).toBe(3);
    expect(retries).toEqual([1000, 1000]);
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('sends a POST without an idempotency key exactly once, and with one on every attempt', async () => {
    const api = createRestClient({ baseUrl: server.url, policy: fast() });
    const error = await api.post('/post-503', { json: { a: 1 } }).catch((e: unknown) => e);
    expect(isHttpError(error) && error.status).toBe(503);
    expect(server.count('/post-503')).toBe(1);

    await expect(api.post('/post-503', { json: { a: 1 }, idempotencyKey: 'order-7' })).rejects.toMatchObject({
      status: 503,
      retryAfterMs: 0,
    });
    expect(server.count('/post-503')).toBe(4);
    const keys = server.seen.filter((s) => s.url === '/post-503').map((s) => s.headers['idempotency-key']);
    expect(keys).toEqual([undefined, 'order-7', 'order-7', 'order-7']);

    await expect(api.patch('/post-503', { json: {}, idempotencyKey: true })).rejects.toMatchObject({ status: 503 });
    const generated = server.seen.slice(-3).map((s) => s.headers['idempotency-key']);
    expect(new Set(generated).size).toBe(1);
    expect(generated[0]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('maps a connection reset mid-body to a retryable NetworkError, retried by the policy', async () => {
    const once = createRestClient({ baseUrl: server.url, policy: false });
    const error = await once.get('/reset').catch((e: unknown) => e);
    expect(isNetworkError(error)).toBe(true);
    expect((error as { retryable: boolean }).retryable).toBe(true);
    expect(server.count('/reset')).toBe(1);

    const api = createRestClient({ baseUrl: server.url, policy: fast() });
    await expect(api.get('/reset')).rejects.toMatchObject({ code: 'NETWORK' });
    expect(server.count('/reset')).toBe(4);
  });

  it('times out a response slower than timeoutMs (headers or body), per attempt', async () => {
    const api = createRestClient({ baseUrl: server.url, timeoutMs: 100, policy: false });
    const error = await api.get('/slow').catch((e: unknown) => e);
    expect(isTimeoutError(error)).toBe(true);
    expect((error as Error).message).toContain('100 ms');
    await expect(api.get('/slow-body')).rejects.toMatchObject({ code: 'TIMEOUT' });

    const retried = createRestClient({
      baseUrl: server.url,
      timeoutMs: 50,
      policy: retry({ maxAttempts: 2, backoff: constant(1) }),
    });
    await expect(retried.get('/slow')).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(server.count('/slow')).toBe(3);
  });

  it('refuses a 50 MB body over maxBodyBytes without buffering it, and parses it under a raised limit', async () => {
    const schema = z.object({ data: z.string() });
    const api = createRestClient({ baseUrl: server.url, policy: false });
    const before = process.memoryUsage().arrayBuffers;
    const chunked = await api.get('/big-chunked', { responseType: 'json', schema }).catch((e: unknown) => e);
    expect(chunked).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(40 * 1024 * 1024);
    await expect(api.get('/big-declared', { schema })).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });

    const roomy = createRestClient({ baseUrl: server.url, policy: false, maxBodyBytes: 64 * 1024 * 1024 });
    const body = await roomy.get('/big-chunked', { schema });
    expect(body.data.length).toBe(BIG);
  });

  it('turns invalid JSON into INVALID_RESPONSE, which is not retried', async () => {
    const api = createRestClient({ baseUrl: server.url, policy: fast() });
    const error = await api.get('/bad-json').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_RESPONSE', retryable: false });
    expect(server.count('/bad-json')).toBe(1);
    await expect(api.get('/bad-json', { responseType: 'text' })).resolves.toBe('{"unterminated": ');
  });

  it('rides out a 429 storm with the rate limiter on: every call succeeds, requests stay under the limit', async () => {
    const bus = createBus();
    let retries = 0;
    bus.subscribe('http.retry', () => {
      retries++;
    });
    const api = createRestClient({
      baseUrl: server.url,
      rateLimit: rateLimit({ limit: 2, intervalMs: 100 }),
      policy: retry({ maxAttempts: 6, backoff: constant(1), bus }),
    });
    const started = Date.now();
    const results = await Promise.all([api.get('/storm'), api.get('/storm'), api.get('/storm')]);
    expect(results).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(server.count('/storm')).toBe(8);
    expect(retries).toBe(5);
    // 8 requests through a bucket of 2 refilling 1 per 50 ms cannot take less than 300 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });

  it('opens one service breaker after repeated 500s, leaves the other closed, and recovers after halfOpenAfter', async () => {
    const clock = createTestClock();
    const bus = createBus();
    const transitions: string[] = [];
    bus.subscribe('breaker.opened', (e) => void transitions.push(`opened:${e.data.name}`));
    bus.subscribe('breaker.half_opened', (e) => void transitions.push(`half:${e.data.name}`));
    bus.subscribe('breaker.closed', (e) => void transitions.push(`closed:${e.data.name}`));
    const services = createServices(
      {
        knowledge: { baseUrl: server.url, breaker: { failures: 3, halfOpenAfter: 150 }, maxAttempts: 1 },
        automation: { baseUrl: server.url, breaker: { failures: 3, halfOpenAfter: 150 }, maxAttempts: 1 },
      },
      { bus, clock }, // halfOpenAfter passes on the test clock, no sleeping
    );
    for (let i = 0; i < 3; i++) await expect(services.knowledge.get('/breaker')).rejects.toMatchObject({ status: 500 });
    const open = await services.knowledge.get('/breaker').catch((e: unknown) => e);
    expect(isCircuitOpenError(open)).toBe(true);
    expect(server.count('/breaker')).toBe(3);
    await expect(services.automation.get('/other')).resolves.toEqual({ ok: true });
    expect(transitions).toEqual(['opened:knowledge']);

    breakerFails = false;
    await clock.advance(149);
    expect(isCircuitOpenError(await services.knowledge.get('/breaker').catch((e: unknown) => e))).toBe(true);
    await clock.advance(1);
    await expect(services.knowledge.get('/breaker')).resolves.toEqual({ ok: true });
    expect(server.count('/breaker')).toBe(4);
    expect(transitions).toEqual(['opened:knowledge', 'half:knowledge', 'closed:knowledge']);
  });

  it('a policy with exponential backoff caps Retry-After at its max', async () => {
    const bus = createBus();
    const delays: number[] = [];
    bus.subscribe('http.retry', (e) => void delays.push(e.data.delayMs));
    const api = createRestClient({
      baseUrl: server.url,
      policy: retry({ maxAttempts: 2, backoff: exponential({ initial: 1, max: 5 }), bus }),
    });
    await expect(api.put('/retry-10', { json: {} })).rejects.toMatchObject({ status: 503, retryAfterMs: 10_000 });
    expect(delays).toEqual([5]);
    expect(server.count('/retry-10')).toBe(2);
  });
});
