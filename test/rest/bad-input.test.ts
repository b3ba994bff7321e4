import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createBus } from '../../src/bus/index.js';
import { isHttpError } from '../../src/errors/http-error.js';
import { MAX_DELAY } from '../../src/internal/config.js';
import { createRestClient, createServices } from '../../src/rest/index.js';
import { bad, CANARY, expectNoCanary, fakeFetch, refused } from '../helpers/refused.js';

describe('credentials in baseUrl', () => {
  it.each([
    `https://svc:${CANARY}@api.example.com/v1`,
    `https://svc:${encodeURIComponent(CANARY)}@api.example.com/`,
    `https://${CANARY}@api.example.com/`,
    `https://:${CANARY}@api.example.com/`,
  ])('refuses %s at creation with CONFIG, pointing to basic()', async (baseUrl) => {
    const { fetch, requests } = fakeFetch();
    const error = await refused('CONFIG', () => createRestClient({ baseUrl, fetch }));
    expect(error.message).toMatch(/credentials.*basic\(\)/);
    await refused('CONFIG', () => createServices({ svc: { baseUrl, fetch } }));
    expect(requests).toHaveLength(0);
  });
});

describe('timeoutMs', () => {
  it('refuses a client timeoutMs above the longest timer delay, Infinity included', async () => {
    for (const timeoutMs of [MAX_DELAY + 1, 1e12, Number.POSITIVE_INFINITY]) {
      const error = await refused('CONFIG', () => createRestClient({ baseUrl: 'https://api.example.com', timeoutMs }));
      expect(error.message).toContain(String(MAX_DELAY));
    }
    expect(createRestClient({ baseUrl: 'https://api.example.com', timeoutMs: MAX_DELAY }).name).toBe('api.example.com');
  });

  it('refuses a call timeoutMs above it before any request; 0 still disables the timeout', async () => {
    const { fetch, requests } = fakeFetch();
    const api = createRestClient({ baseUrl: 'https://api.example.com', fetch, policy: false });
    for (const timeoutMs of [3e9, MAX_DELAY + 1, Number.POSITIVE_INFINITY]) {
      await refused('CONFIG', () => api.get('/a', { timeoutMs }));
      await refused('CONFIG', () => api.stream('/a', { timeoutMs }));
    }
    expect(requests).toHaveLength(0);
    await expect(api.get('/a', { timeoutMs: 0 })).resolves.toEqual({});
    await expect(api.get('/a', { timeoutMs: MAX_DELAY })).resolves.toEqual({});
    expect(requests).toHaveLength(2);
  });
});

describe('call arguments', () => {
  it('refuses a method that is not an HTTP token, or that fetch forbids, before any request', async () => {
    const { fetch, requests } = fakeFetch();
    const api = createRestClient({ baseUrl: 'https://api.example.com', fetch });
    for (const method of [5, null, '', 'GE T', 'GET\r\n', 'CONNECT', 'connect', 'TRACE', 'track']) {
      await refused('CONFIG', () => api.request(bad(method), '/a'));
    }
    expect(requests).toHaveLength(0);
    await api.request('propfind', '/a');
    await api.request('head', '/a', { responseType: 'response' });
    expect(requests.map((r) => r.method)).toEqual(['PROPFIND', 'HEAD']);
  });

  it('refuses bad idempotency keys before any request', async () => {
    const { fetch, requests } = fakeFetch();
    const api = createRestClient({ baseUrl: 'https://api.example.com', fetch });
    for (const idempotencyKey of ['a\r\nb', `${CANARY}\nx-evil: 1`, '', '  ', 5, false, null, {}]) {
      await refused('CONFIG', () => api.post('/a', { json: {}, idempotencyKey: bad(idempotencyKey) }));
    }
    expect(requests).toHaveLength(0);
    await api.post('/a', { json: {}, idempotencyKey: 'order-42' });
    expect(requests[0]?.headers.get('idempotency-key')).toBe('order-42');
  });

  it('refuses non-object options, a schema that is not a Standard Schema and a signal that is not one', async () => {
    const { fetch, requests } = fakeFetch();
    const api = createRestClient({ baseUrl: 'https://api.example.com', fetch });
    await refused('CONFIG', () => api.get('/a', bad(null)));
    await refused('CONFIG', () => api.get('/a', bad(5)));
    await refused('CONFIG', () => api.stream('/a', bad(null)));
    await refused('CONFIG', () => api.get('/a', { schema: bad(5) }));
    await refused('CONFIG', () => api.get('/a', { schema: bad({}) }));
    await refused('CONFIG', () => api.get('/a', { signal: bad(5) }));
    await refused('CONFIG', () => api.get('/a', { signal: bad({}) }));
    await refused('CONFIG', () => api.stream('/a', { signal: bad({}) }));
    expect(requests).toHaveLength(0);
    await expect(api.get('/a', { schema: z.object({}), signal: new AbortController().signal })).resolves.toEqual({});
  });

  it('refuses a bus, logger or clock without the methods it needs at creation', async () => {
    const baseUrl = 'https://api.example.com';
    for (const options of [{ bus: 5 }, { bus: {} }, { logger: {} }, { logger: 5 }, { clock: {} }, { clock: 5 }]) {
      await refused('CONFIG', () => createRestClient({ baseUrl, ...(options as object) }));
    }
  });
});

describe('path templates, params and searchParams', () => {
  it.each([
    '%2E%2E%2Fadmin',
    '%2e%2e/admin',
    'a/..%2f..%2fadmin',
    'a%2f..%2f..%2fadmin',
    'a/%2E%2e/b',
    'a/.%2e/b',
    'a/%2e./b',
    'a/%2e/b',
    'a/%2F',
    'a%5c..%5cadmin',
    '/users/:id/%2e%2e',
  ])('refuses %j with INVALID_URL before any request', async (path) => {
    const { fetch, requests } = fakeFetch();
    const api = createRestClient({ baseUrl: 'https://api.example.com/v1/', fetch });
    await refused('INVALID_URL', () => api.get(path, { params: { id: 1 } }));
    expect(() => api.stream(path, { params: { id: 1 } })).toThrow(expect.objectContaining({ code: 'INVALID_URL' }));
    expect(requests).toHaveLength(0);
  });

  it('still sends an encoded dot inside a name, and an encoded slash given through params', async () => {
    const { fetch, requests } = fakeFetch();
    const api = createRestClient({ baseUrl: 'https://api.example.com/v1/', fetch });
    await api.get('/files/report%2Ejson?next=a%2Fb');
    await api.get('/projects/:id', { params: { id: 'group/project' } });
    expect(requests.map((r) => r.url)).toEqual([
      'https://api.example.com/v1/files/report%2Ejson?next=a%2Fb',
      'https://api.example.com/v1/projects/group%2Fproject',
    ]);
  });

  it('refuses path parameters that are not strings, finite numbers, booleans or bigints', async () => {
    const { fetch, requests } = fakeFetch();
    const api = createRestClient({ baseUrl: 'https://api.example.com/v1/', fetch });
    const values = [{}, ['a', 'b'], Symbol('x'), Number.NaN, Number.POSITIVE_INFINITY, () => 1, new Date(0)];
    for (const id of values) await refused('CONFIG', () => api.get('/users/:id', { params: { id: bad(id) } }));
    await refused('CONFIG', () => api.get('/users/:constructor', { params: {} }));
    expect(requests).toHaveLength(0);
    await api.get('/users/:id/:flag', { params: { id: 12n, flag: true } });
    expect(requests[0]?.url).toBe('https://api.example.com/v1/users/12/true');
  });

  it('refuses searchParams that are not an object, string or URLSearchParams, and nested values', async () => {
    const { fetch, requests } = fakeFetch();
    const api = createRestClient({ baseUrl: 'https://api.example.com/v1/', fetch });
    for (const searchParams of [5, true, null, ['a=1'], () => 1]) {
      await refused('CONFIG', () => api.get('/a', { searchParams: bad(searchParams) }));
    }
    for (const value of [{ b: 1 }, [{ b: 1 }], Number.NaN, Symbol('x'), [['a']]]) {
      await refused('CONFIG', () => api.get('/a', { searchParams: { a: bad(value) } }));
    }
    expect(requests).toHaveLength(0);
    await api.get('/a', { searchParams: { n: 1, big: 2n, on: false, tag: ['x', 3], skip: undefined, none: null } });
    expect(requests[0]?.url).toBe('https://api.example.com/v1/a?n=1&big=2&on=false&tag=x&tag=3');
  });
});

describe('OAuth parameter redaction', () => {
  it.each([
    'code',
    'device_code',
    'code_verifier',
    'client_secret',
    'refresh_token',
    'id_token',
    'assertion',
    'client_assertion',
  ])('keeps a %s query value out of errors and events', async (name) => {
    const { fetch } = fakeFetch(
      (request) => new Response(`invalid grant in ${request.url}`, { status: 400, headers: { 'x-echo': request.url } }),
    );
    const bus = createBus();
    const events: unknown[] = [];
    bus.subscribe('*', (event) => void events.push(event));
    const api = createRestClient({ baseUrl: 'https://auth.example.com/', fetch, bus, policy: false });
    const error = await api
      .get('/token', { searchParams: { [name]: CANARY, country_code: 'NZ' } })
      .catch((e: unknown) => e);
    if (!isHttpError(error)) throw new Error(`expected an HttpError, got ${inspect(error)}`);
    expectNoCanary(error);
    expect(error.message).toContain(`${name}=REDACTED`);
    expect(error.message).toContain('country_code=NZ');
    expect(events.length).toBeGreaterThan(0);
    expect(JSON.stringify(events)).not.toContain(CANARY);
  });
});
