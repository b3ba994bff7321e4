import { parse } from 'graphql';
import { delay, graphql, HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { createBus } from '../../src/bus/index.js';
import { isAbortError } from '../../src/errors/abort-error.js';
import { isGraphQLResponseError } from '../../src/errors/graphql-response-error.js';
import { isHttpError } from '../../src/errors/http-error.js';
import { isNetworkError } from '../../src/errors/network-error.js';
import { isTimeoutError } from '../../src/errors/timeout-error.js';
import { createGraphQLClient, type TypedDocumentNode } from '../../src/graphql/index.js';
import { constant, retry } from '../../src/policies/index.js';
import { bearer } from '../../src/rest/index.js';

const URL_ = 'https://kg.test/graphql';
const kg = graphql.link(URL_);
let hits = 0;
let auths: Array<string | null> = [];

const msw = setupServer(
  kg.query('Entity', ({ variables, request }) => {
    hits++;
    auths.push(request.headers.get('authorization'));
    return HttpResponse.json({ data: { entity: { id: variables.id, name: 'Ada' } } });
  }),
  kg.query('Partial', () => {
    hits++;
    return HttpResponse.json({ data: { a: 1, b: null }, errors: [{ message: 'b failed', path: ['b'] }] });
  }),
  kg.query('Flaky', () => {
    hits++;
    return hits < 3
      ? HttpResponse.json({ message: 'busy' } as never, { status: 503 })
      : HttpResponse.json({ data: { ok: true } });
  }),
  kg.mutation('AddFact', () => {
    hits++;
    return HttpResponse.json({ message: 'busy' } as never, { status: 503 });
  }),
  kg.query('Invalid', () => {
    hits++;
    return HttpResponse.json({ errors: [{ message: 'Cannot query field "x"' }] }, { status: 400 });
  }),
  kg.query('Unauthorized', () => {
    hits++;
    return HttpResponse.json({ errors: [{ message: 'not signed in' }] }, { status: 401 });
  }),
  kg.query('Html', () => {
    hits++;
    return HttpResponse.text('<html>gateway</html>', { status: 404 }) as never;
  }),
  kg.query('NotJson', () => {
    hits++;
    return new HttpResponse('{"data": ', { status: 200, headers: { 'content-type': 'application/json' } }) as never;
  }),
  kg.query('Slow', async () => {
    hits++;
    await delay('infinite');
    return HttpResponse.json({ data: {} });
  }),
  kg.query('Down', () => {
    hits++;
    return HttpResponse.error();
  }),
);

const batchServer = setupServer(
  http.post('https://batch.test/graphql', async ({ request }) => {
    hits++;
    const body = (await request.json()) as Array<{ query: string; variables?: { n?: number } }>;
    if (!Array.isArray(body))
      return HttpResponse.json({ errors: [{ message: 'batching unsupported' }] }, { status: 400 });
    return HttpResponse.json(
      body.map((op, i) =>
        op.variables?.n === -1
          ? { data: null, errors: [{ message: 'negative' }] }
          : { data: { n: op.variables?.n ?? i } },
      ),
    );
  }),
  http.post('https://nobatch.test/graphql', () => HttpResponse.json({ data: { single: true } })),
);

beforeAll(() => msw.listen({ onUnhandledRequest: 'bypass' }));
afterEach(() => {
  msw.resetHandlers();
  hits = 0;
  auths = [];
});
afterAll(() => msw.close());

const fastRetry = () => retry({ maxAttempts: 3, backoff: constant(0) });

describe('createGraphQLClient', () => {
  it('runs a typed query with auth and resolves to data', async () => {
    const doc = parse('query Entity($id: ID!) { entity(id: $id) { id name } }') as TypedDocumentNode<
      { entity: { id: string; name: string } },
      { id: string }
    >;
    let n = 0;
    const graph = createGraphQLClient({ url: URL_, auth: bearer(async () => `t-${++n}`) });
    const data = await graph.query(doc, { id: '42' });
    expectTypeOf(data).toEqualTypeOf<{ entity: { id: string; name: string } }>();
    expect(data).toEqual({ entity: { id: '42', name: 'Ada' } });
    await graph.query('query Entity($id: ID!) { entity(id: $id) { id name } }', { id: '1' });
    expect(auths).toEqual(['Bearer t-1', 'Bearer t-2']);
  });

  it('validates data with a schema', async () => {
    const graph = createGraphQLClient({ url: URL_ });
    const schema = z.object({ entity: z.object({ id: z.string() }) });
    const data = await graph.query('query Entity { entity(id: 1) { id } }', { id: '7' }, { schema });
    expectTypeOf(data).toEqualTypeOf<{ entity: { id: string } }>();
    await expect(
      graph.query('query Entity { entity { id } }', { id: '7' }, { schema: z.object({ entity: z.number() }) }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('throws GraphQLResponseError with errors and partial data, not retried', async () => {
    const graph = createGraphQLClient({ url: URL_, policy: fastRetry() });
    const error = await graph.query('query Partial { a b }').catch((e: unknown) => e);
    expect(isGraphQLResponseError(error)).toBe(true);
    if (!isGraphQLResponseError(error)) return;
    expect(error.retryable).toBe(false);
    expect(error.errors).toEqual([{ message: 'b failed', path: ['b'] }]);
    expect(error.data).toEqual({ a: 1, b: null });
    expect(hits).toBe(1);
  });

  it('reads a GraphQL-over-HTTP 400 with errors as GraphQLResponseError, other 4xx as HttpError', async () => {
    const graph = createGraphQLClient({ url: URL_, policy: fastRetry() });
    const invalid = await graph.query('query Invalid { x }').catch((e: unknown) => e);
    expect(isGraphQLResponseError(invalid) && invalid.details).toMatchObject({ status: 400 });
    const html = await graph.query('query Html { x }').catch((e: unknown) => e);
    expect(isHttpError(html) && html.status).toBe(404);
    const denied = await graph.query('query Unauthorized { x }').catch((e: unknown) => e);
    expect(isHttpError(denied) && denied.status).toBe(401);
    expect(hits).toBe(3);
  });

  it('retries queries on 503 but runs a mutation once unless marked idempotent', async () => {
    const bus = createBus();
    const requests: number[] = [];
    bus.subscribe('http.request', (e) => void requests.push(e.data.attempt));
    const graph = createGraphQLClient({ url: URL_, bus, policy: fastRetry() });
    await expect(graph.query('query Flaky { ok }')).resolves.toEqual({ ok: true });
    expect(hits).toBe(3);
    expect(requests).toEqual([1, 2, 3]);

    hits = 0;
    const error = await graph.mutate('mutation AddFact { add }').catch((e: unknown) => e);
    expect(isHttpError(error) && error.status).toBe(503);
    expect(hits).toBe(1);
    await expect(graph.mutate('mutation AddFact { add }', {}, { idempotent: true })).rejects.toMatchObject({
      status: 503,
    });
    expect(hits).toBe(4);
  });

  it('refuses a mutation passed to query() before sending it', async () => {
    const graph = createGraphQLClient({ url: URL_ });
    await expect(graph.query('mutation AddFact { add }')).rejects.toMatchObject({ code: 'UNSAFE_OPERATION' });
    expect(hits).toBe(0);
  });

  it('maps bad JSON to INVALID_RESPONSE and a failed connection to NetworkError', async () => {
    const graph = createGraphQLClient({ url: URL_, policy: fastRetry() });
    await expect(graph.query('query NotJson { a }')).rejects.toMatchObject({ code: 'INVALID_RESPONSE' });
    expect(hits).toBe(1);
    const down = await graph.query('query Down { a }').catch((e: unknown) => e);
    expect(isNetworkError(down)).toBe(true);
    expect(hits).toBe(4);
  });

  it('times out per attempt and stops on a caller abort', async () => {
    const graph = createGraphQLClient({
      url: URL_,
      timeoutMs: 40,
      policy: retry({ maxAttempts: 2, backoff: constant(0) }),
    });
    const timedOut = await graph.query('query Slow { a }').catch((e: unknown) => e);
    expect(isTimeoutError(timedOut)).toBe(true);
    expect(hits).toBe(2);
    hits = 0;
    const controller = new AbortController();
    const pending = graph.query('query Slow { a }', {}, { signal: controller.signal, timeoutMs: 0 });
    setTimeout(() => controller.abort(), 20);
    const aborted = await pending.catch((e: unknown) => e);
    expect(isAbortError(aborted)).toBe(true);
    expect(hits).toBe(1);
  });

  it('rejects bad options with CONFIG', () => {
    expect(() => createGraphQLClient({ url: 'not a url' })).toThrow(expect.objectContaining({ code: 'CONFIG' }));
    expect(() => createGraphQLClient({ url: URL_, timeoutMs: Number.NaN })).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
  });

  it('never puts the token or a secret query value in errors or events', async () => {
    const CANARY = 'CANARY-gql-991';
    const bus = createBus();
    const published: string[] = [];
    bus.subscribe('*', (e) => void published.push(JSON.stringify(e)));
    const graph = createGraphQLClient({
      url: `${URL_}?access_token=${CANARY}-q`,
      auth: bearer(CANARY),
      bus,
      policy: false,
    });
    const error = await graph.query('query Html { x }').catch((e: unknown) => e);
    expect(isHttpError(error)).toBe(true);
    for (const text of [
      (error as Error).message,
      JSON.stringify((error as { toJSON(): unknown }).toJSON()),
      ...published,
    ]) {
      expect(text).not.toContain('CANARY');
    }
  });
});

describe('batch', () => {
  beforeAll(() => {
    msw.close();
    batchServer.listen({ onUnhandledRequest: 'error' });
  });
  afterAll(() => {
    batchServer.close();
    msw.listen({ onUnhandledRequest: 'bypass' });
  });

  it('sends several operations in one request and returns their data in order', async () => {
    const graph = createGraphQLClient({ url: 'https://batch.test/graphql' });
    const data = await graph.batch([
      { document: 'query A($n: Int) { n(v: $n) }', variables: { n: 1 } },
      { document: 'query B($n: Int) { n(v: $n) }', variables: { n: 2 } },
    ]);
    expect(data).toEqual([{ n: 1 }, { n: 2 }]);
    expect(hits).toBe(1);
  });

  it('collects errors of the batch with their index', async () => {
    const graph = createGraphQLClient({ url: 'https://batch.test/graphql' });
    const error = await graph
      .batch([
        { document: 'query A($n: Int) { n(v: $n) }', variables: { n: 1 } },
        { document: 'query B($n: Int) { n(v: $n) }', variables: { n: -1 } },
      ])
      .catch((e: unknown) => e);
    expect(isGraphQLResponseError(error)).toBe(true);
    if (!isGraphQLResponseError(error)) return;
    expect(error.errors).toEqual([{ message: 'negative', extensions: { batchIndex: 1 } }]);
    expect(error.data).toEqual([{ n: 1 }, null]);
  });

  it('reports a server without batching as INVALID_RESPONSE', async () => {
    const graph = createGraphQLClient({ url: 'https://nobatch.test/graphql' });
    await expect(graph.batch([{ document: '{ a }' }, { document: '{ b }' }])).rejects.toMatchObject({
      code: 'INVALID_RESPONSE',
    });
  });
});
