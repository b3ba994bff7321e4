import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRestClient } from '../../src/rest/index.js';
import { createTestClock, delay, fail, mockServices } from '../../src/testing/index.js';

const services = await mockServices({
  openai: {
    baseUrl: 'https://api.openai.test/v1',
    routes: {
      'POST /chat/completions': [
        fail(503, { times: 2, retryAfter: 1 }),
        { json: { choices: [{ message: { content: 'hi' } }] } },
      ],
      'GET /models/:id': (call) => ({ json: { id: call.path.split('/').at(-1) } }),
      'GET /slow': delay(30, { json: { ok: true } }),
    },
  },
  knowledge: {
    graphql: 'https://kg.test/graphql',
    operations: {
      GetEntity: { json: { data: { entity: { id: 'e1', name: 'WAWAGOT' } } } },
      Broken: { json: { errors: [{ message: 'no such field' }] } },
    },
  },
});
const server = setupServer(...(services.handlers as Parameters<typeof setupServer>));
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => services.reset());
afterAll(() => server.close());

const chat = () =>
  fetch('https://api.openai.test/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt', messages: [] }),
  });

describe('mockServices', () => {
  it('plays scripted faults in order, then the success reply repeatedly', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 4; i++) {
      const res = await chat();
      statuses.push(res.status);
      if (i === 0) retryAfter = res.headers.get('retry-after');
    }
    expect(statuses).toEqual([503, 503, 200, 200]);
    expect(retryAfter).toBe('1');
    const calls = services.calls('openai', 'POST /chat/completions');
    expect(calls).toHaveLength(4);
    expect(calls[0]).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      body: { model: 'gpt', messages: [] },
    });
  });

  it('reset rewinds scripts and forgets calls', async () => {
    expect((await chat()).status).toBe(503);
    services.reset();
    expect(services.calls('openai')).toHaveLength(0);
    expect((await chat()).status).toBe(503);
  });

  it('supports reply functions with path parameters and delays', async () => {
    const res = await fetch('https://api.openai.test/v1/models/gpt-x');
    expect(await res.json()).toEqual({ id: 'gpt-x' });
    const started = Date.now();
    const slow = await fetch('https://api.openai.test/v1/slow');
    expect(await slow.json()).toEqual({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('answers GraphQL operations by name, data or errors', async () => {
    const post = (query: string, operationName: string) =>
      fetch('https://kg.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, operationName }),
      }).then((r) => r.json());
    expect(await post('query GetEntity { entity { id name } }', 'GetEntity')).toEqual({
      data: { entity: { id: 'e1', name: 'WAWAGOT' } },
    });
    expect(await post('query Broken { nope }', 'Broken')).toEqual({ errors: [{ message: 'no such field' }] });
    expect(services.calls('knowledge', 'GetEntity')).toHaveLength(1);
  });

  it('runs delays on the given clock: a slow service costs no real time', async () => {
    const clock = createTestClock();
    const slow = await mockServices(
      { svc: { baseUrl: 'https://slow.test/api', routes: { 'GET /x': delay(60_000, { json: { ok: true } }) } } },
      { clock },
    );
    server.use(...(slow.handlers as Parameters<typeof server.use>));
    try {
      const pending = fetch('https://slow.test/api/x').then((r) => r.json());
      await vi.waitFor(() => expect(slow.calls('svc', 'GET /x')).toHaveLength(1));
      await clock.advance(60_000);
      expect(await pending).toEqual({ ok: true });

      // A client on the same clock times out while the service is still "working".
      const client = createRestClient({ baseUrl: 'https://slow.test/api/', clock, timeoutMs: 5_000, policy: false });
      const call = client.get('x').catch((e: unknown) => e);
      await vi.waitFor(() => expect(slow.calls('svc', 'GET /x')).toHaveLength(2));
      await clock.advance(5_000);
      expect(await call).toMatchObject({ code: 'TIMEOUT' });
      await clock.runAll(); // let the abandoned mocked reply finish
    } finally {
      server.resetHandlers();
    }
  });

  it('refuses malformed definitions with CONFIG', async () => {
    await expect(mockServices({ x: { baseUrl: 'not a url', routes: {} } })).rejects.toMatchObject({ code: 'CONFIG' });
    await expect(
      mockServices({ x: { baseUrl: 'https://x.test', routes: { 'FETCH /a': { json: 1 } } } }),
    ).rejects.toMatchObject({
      code: 'CONFIG',
    });
    await expect(mockServices({ x: { baseUrl: 'https://x.test', routes: { 'GET /a': [] } } })).rejects.toMatchObject({
      code: 'CONFIG',
    });
    await expect(mockServices({}, { clock: {} as never })).rejects.toMatchObject({ code: 'CONFIG' });
  });
});
