import { describe, expect, it } from 'vitest';
import { createGraphQLClient } from '../../src/graphql/index.js';
import { MAX_DELAY } from '../../src/internal/config.js';
import { bad, CANARY, fakeFetch as recordingFetch, refused } from '../helpers/refused.js';

/** A GraphQL endpoint that records every request and answers `{ data: { ok: true } }`. */
const fakeFetch = () => recordingFetch(() => Response.json({ data: { ok: true } }));
const config = (fn: () => unknown) => refused('CONFIG', fn);

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
