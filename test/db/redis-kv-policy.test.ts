import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { redisKV } from '../../src/db/redis/index.js';
import { constant, retry } from '../../src/policies/index.js';

/** A client whose first MULTI fails like a dropped connection; a pipeline's exec settles once (as in ioredis). */
function flakyClient() {
  const written = new Map<string, string>();
  let transactions = 0;
  const client = {
    get: async () => null,
    scan: async () => ['0', []],
    multi() {
      const n = ++transactions;
      const queued: Array<[string, string]> = [];
      let result: Promise<unknown> | undefined;
      const multi = {
        set(key: string, value: string) {
          queued.push([key, value]);
          return multi;
        },
        exec() {
          result ??=
            n === 1
              ? Promise.reject(new Error('Connection is closed.'))
              : Promise.resolve(
                  queued.map(([k, v]) => {
                    written.set(k, v);
                    return [null, 'OK'];
                  }),
                );
          return result;
        },
      };
      return multi;
    },
  };
  return { client: client as unknown as Redis, written, transactions: () => transactions };
}

describe('redisKV setMany under a retry policy', () => {
  it('retries with a fresh transaction, so the retry can succeed', async () => {
    const { client, written, transactions } = flakyClient();
    const kv = redisKV(client, { prefix: 'p:', policy: retry({ maxAttempts: 2, backoff: constant(0) }) });
    await kv.setMany([
      ['a', 1],
      ['b', { x: 2 }],
    ]);
    expect(transactions()).toBe(2);
    expect([...written]).toEqual([
      ['p:a', '1'],
      ['p:b', '{"x":2}'],
    ]);
  });
});

describe('redisKV options', () => {
  it('refuses a scanCount that is not a positive integer', () => {
    const { client } = flakyClient();
    for (const scanCount of [0, -1, 1.5, Number.NaN]) {
      expect(() => redisKV(client, { scanCount })).toThrow(expect.objectContaining({ code: 'CONFIG' }));
    }
    expect(() => redisKV(client, { scanCount: 100 })).not.toThrow();
  });
});
