import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isIntegrationError } from '../../src/errors/integration-error.js';
import { createGraphQLClient } from '../../src/graphql/index.js';
import { MAX_DELAY } from '../../src/internal/config.js';

const CANARY = 'CANARY-S3CRET-123';
/** A deliberately wrong argument, as a JavaScript caller may pass it. */
const bad = (value: unknown) => value as never;

function fakeFetch() {
  const requests: Request[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    requests.push(new Request(input, init));
    return Response.json({ data: { ok: true } });
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

/** `fn` throws or rejects with a `CONFIG` IntegrationError that shows no secret; returns it. */
async function config(fn: () => unknown): Promise<Error> {
  let error: unknown;
  try {
    await fn();
  } catch (caught) {
    error = caught;
  }
  expect(isIntegrationError(error), `expected an IntegrationError, got ${inspect(error)}`).toBe(true);
  expect(error).toMatchObject({ code: 'CONFIG' });
  expect(String((error as Error).message)).not.toContain(CANARY);
  expect(JSON.stringify(error)).not.toContain(CANARY);
  expect(inspect(error, { depth: 10 })).not.toContain(CANARY);
  return error as Error;
}

describe('createGraphQLClient bad input', () => {
  it('refuses credentials in the url at creation, pointing to basic()', async () => {
    const { fetch, requests } = fakeFetch();
    for (const url of [`https://bot:${CANARY}@kg.example.com/graphql`, `https://${CANARY}@kg.example.com/graphql`]) {
      const error = await config(() => createGraphQLClient({ url, fetch }));
      expect(error.message).toMatch(/credentials.*basic\(\)/);
    }
    expect(requests).toHaveLength(0);
  });

  it('refuses a timeoutMs above the longest timer delay (client and call) and a bad signal, before any request', async () => {
    const { fetch, requests } = fakeFetch();
    await config(() => createGraphQLClient({ url: 'https://kg.example.com/graphql', fetch, timeoutMs: 1e12 }));
    const graph = createGraphQLClient({ url: 'https://kg.example.com/graphql', fetch, policy: false });
    for (const timeoutMs of [MAX_DELAY + 1, Number.POSITIVE_INFINITY]) {
      await config(() => graph.query('{ ok }', undefined, { timeoutMs }));
    }
    await config(() => graph.query('{ ok }', undefined, { signal: bad({}) }));
    expect(requests).toHaveLength(0);
    await expect(graph.query('{ ok }', undefined, { timeoutMs: MAX_DELAY })).resolves.toEqual({ ok: true });
    expect(requests).toHaveLength(1);
  });

  it('refuses non-object options and a schema that is not a Standard Schema before any request', async () => {
    const { fetch, requests } = fakeFetch();
    const graph = createGraphQLClient({ url: 'https://kg.example.com/graphql', fetch });
    await config(() => graph.query('{ ok }', undefined, bad(null)));
    await config(() => graph.mutate('mutation { ok }', undefined, bad(5)));
    await config(() => graph.batch([{ document: '{ ok }' }], bad(null)));
    await config(() => graph.query('{ ok }', undefined, { schema: bad(5) }));
    await config(() => graph.query('{ ok }', undefined, { schema: bad({}) }));
    expect(requests).toHaveLength(0);
  });
});
