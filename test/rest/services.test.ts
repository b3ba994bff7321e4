import { delay, HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { createBus } from '../../src/bus/index.js';
import { isCircuitOpenError } from '../../src/errors/circuit-open-error.js';
import { isTimeoutError } from '../../src/errors/timeout-error.js';
import { compose, constant, retry, timeout } from '../../src/policies/index.js';
import { apiKeyHeader, bearer, createRestClient, createServices, type RestClient } from '../../src/rest/index.js';
import { createTestClock } from '../../src/testing/index.js';

let hits = new Map<string, number>();
const hit = (k: string) => hits.set(k, (hits.get(k) ?? 0) + 1);
const msw = setupServer(
  http.get('https://openai.test/v1/models', ({ request }) => {
    hit('openai');
    return HttpResponse.json({ auth: request.headers.get('authorization') });
  }),
  http.get('https://retell.test/list-calls', () => {
    hit('retell');
    return HttpResponse.json({ error: 'down' }, { status: 502 });
  }),
  http.get('https://knowledge.test/search', ({ request }) => {
    hit('knowledge');
    return HttpResponse.json({ key: request.headers.get('x-api-key') });
  }),
  http.get('https://automation.test/hang', async () => {
    hit('hang');
    await delay('infinite');
    return HttpResponse.json({});
  }),
);
beforeAll(() => msw.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  msw.resetHandlers();
  hits = new Map();
});
afterAll(() => msw.close());

describe('createServices', () => {
  it('returns a typed record of clients, named after their keys, sharing bus and options', async () => {
    const bus = createBus();
    const clients: string[] = [];
    bus.subscribe('http.request', (e) => void clients.push(e.data.client));
    const services = createServices(
      {
        openai: { baseUrl: 'https://openai.test/v1', auth: bearer('sk-test-1') },
        automation: { baseUrl: 'https://automation.test' },
        knowledge: { baseUrl: 'https://knowledge.test', auth: apiKeyHeader('X-Api-Key', 'kn-1') },
        retell: { baseUrl: 'https://retell.test', auth: bearer('re-1') },
      },
      { bus },
    );
    expectTypeOf(services).toEqualTypeOf<{
      readonly openai: RestClient;
      readonly automation: RestClient;
      readonly knowledge: RestClient;
      readonly retell: RestClient;
    }>();
    expect(Object.keys(services)).toEqual(['openai', 'automation', 'knowledge', 'retell']);
    await expect(services.openai.get('/models')).resolves.toEqual({ auth: 'Bearer sk-test-1' });
    await expect(services.knowledge.get('/search')).resolves.toEqual({ key: 'kn-1' });
    expect(clients).toEqual(['openai', 'knowledge']);
  });

  it('gives each service its own breaker: a failing one opens, the others keep working', async () => {
    const services = createServices({
      openai: { baseUrl: 'https://openai.test/v1', breaker: { failures: 2 } },
      retell: { baseUrl: 'https://retell.test', breaker: { failures: 2 }, maxAttempts: 1 },
    });
    await expect(services.retell.get('/list-calls')).rejects.toMatchObject({ status: 502 });
    await expect(services.retell.get('/list-calls')).rejects.toMatchObject({ status: 502 });
    const open = await services.retell.get('/list-calls').catch((e: unknown) => e);
    expect(isCircuitOpenError(open)).toBe(true);
    expect(hits.get('retell')).toBe(2);
    await expect(services.openai.get('/models')).resolves.toBeDefined();
  });

  it('a service with its own policy uses it (no default breaker)', async () => {
    const services = createServices({
      retell: { baseUrl: 'https://retell.test', policy: retry({ maxAttempts: 2, backoff: constant(0) }) },
    });
    for (let i = 0; i < 3; i++) await expect(services.retell.get('/list-calls')).rejects.toMatchObject({ status: 502 });
    expect(hits.get('retell')).toBe(6);
  });

  it('rejects bad service options with CONFIG', () => {
    expect(() => createServices({ x: null as never })).toThrow(expect.objectContaining({ code: 'CONFIG' }));
    expect(() => createServices({ x: { baseUrl: 'nope' } })).toThrow(expect.objectContaining({ code: 'CONFIG' }));
    expect(() => createServices({ x: { baseUrl: 'https://x.test' } }, { policy: retry() } as never)).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
  });
});

describe('time and composition', () => {
  it('times out on the injected clock', async () => {
    const clock = createTestClock();
    const api = createRestClient({ baseUrl: 'https://automation.test', clock, timeoutMs: 5_000, policy: false });
    const pending = api.get('/hang').catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 20));
    await clock.advance(5_000);
    const error = await pending;
    expect(isTimeoutError(error)).toBe(true);
    expect(clock.pending()).toBe(0);
  });

  it("an outer timeout() policy cancels the attempt with the policy's TimeoutError", async () => {
    const api = createRestClient({
      baseUrl: 'https://automation.test',
      policy: compose(timeout(30), retry({ maxAttempts: 3, backoff: constant(0) })),
    });
    const error = await api.get('/hang').catch((e: unknown) => e);
    expect(isTimeoutError(error)).toBe(true);
    expect(hits.get('hang')).toBe(1);
  });
});
