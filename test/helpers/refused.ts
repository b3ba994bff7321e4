import { inspect } from 'node:util';
import { expect } from 'vitest';
import { isIntegrationError } from '../../src/errors/integration-error.js';

/** The secret the bad-input tests pass wherever a token, password or key goes. */
export const CANARY = 'CANARY-S3CRET-123';

/** A deliberately wrong argument, as a JavaScript caller may pass it. */
export const bad = (value: unknown) => value as never;

/**
 * Fails unless nothing an error shows carries the canary (plain or base64): its message, its
 * JSON, `toJSON()` and `util.inspect` (which prints the cause chain).
 */
export function expectNoCanary(error: unknown): void {
  const shown = [
    String((error as Error | undefined)?.message),
    JSON.stringify(error) ?? '',
    inspect(error, { depth: 10 }),
  ].join(' ');
  expect(shown).not.toContain(CANARY);
  expect(shown).not.toContain(btoa(CANARY));
}

function expectRefused(code: string, error: unknown): Error {
  expect(isIntegrationError(error), `expected an IntegrationError, got ${inspect(error)}`).toBe(true);
  expect(error).toMatchObject({ code });
  expectNoCanary(error);
  return error as Error;
}

/** `fn` throws or rejects with an IntegrationError of `code` that shows no canary; returns it. */
export async function refused(code: string, fn: () => unknown): Promise<Error> {
  let error: unknown;
  try {
    await fn();
  } catch (caught) {
    error = caught;
  }
  return expectRefused(code, error);
}

/** {@link refused} for a call that must throw synchronously. */
export function refusedSync(code: string, fn: () => unknown): Error {
  let error: unknown;
  try {
    fn();
  } catch (caught) {
    error = caught;
  }
  return expectRefused(code, error);
}

/** A fetch that records every request and answers with `respond` (200 `{}` by default). */
export function fakeFetch(respond: (request: Request) => Response = () => Response.json({})) {
  const requests: Request[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    requests.push(request);
    return respond(request);
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}
