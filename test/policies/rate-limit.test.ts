import { getEventListeners } from 'node:events';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { AbortError, isAbortError, RateLimitError } from '../../src/index.js';
import { rateLimit } from '../../src/policies/index.js';
import { fakeClock } from './fake-clock.js';

describe('rateLimit', () => {
  it("'reject' lets a burst of limit through, then throws RateLimitError with retryAfterMs", async () => {
    const clock = fakeClock();
    const limiter = rateLimit({ limit: 2, intervalMs: 1_000, mode: 'reject', clock });
    await expect(limiter.execute(async () => 1)).resolves.toBe(1);
    await expect(limiter.execute(() => 2)).resolves.toBe(2);
    const fn = vi.fn(async () => 3);
    const error = await limiter.execute(fn).catch((e: unknown) => e);
    expect(fn).not.toHaveBeenCalled();
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', retryable: true, retryAfterMs: 500 });
    await clock.advance(499);
    await expect(limiter.execute(fn)).rejects.toMatchObject({ retryAfterMs: 1 });
    await clock.advance(1);
    await expect(limiter.execute(fn)).resolves.toBe(3);
  });

  it('refills continuously up to limit, never beyond', async () => {
    const clock = fakeClock();
    const limiter = rateLimit({ limit: 3, intervalMs: 300, mode: 'reject', clock });
    await clock.advance(10_000);
    const results = await Promise.allSettled([1, 2, 3, 4].map((n) => limiter.execute(async () => n)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
  });

  it("'wait' queues calls in order and runs them as tokens arrive", async () => {
    const clock = fakeClock();
    const limiter = rateLimit({ limit: 1, intervalMs: 100, clock });
    const started: Array<[number, number]> = [];
    const t0 = clock.now();
    const calls = [1, 2, 3, 4].map((n) => limiter.execute(async () => started.push([n, clock.now() - t0])));
    await clock.flush();
    expect(started).toEqual([[1, 0]]);
    await clock.advance(100);
    expect(started).toEqual([
      [1, 0],
      [2, 100],
    ]);
    await clock.advance(200);
    await Promise.all(calls);
    expect(started).toEqual([
      [1, 0],
      [2, 100],
      [3, 200],
      [4, 300],
    ]);
    expect(clock.pending).toBe(0);
  });

  it("'wait' takes an aborted call out of the queue and keeps the order of the rest", async () => {
    const clock = fakeClock();
    const limiter = rateLimit({ limit: 1, intervalMs: 100, clock });
    const order: string[] = [];
    await limiter.execute(async () => order.push('first'));
    const controller = new AbortController();
    const aborted = limiter
      .execute(async () => order.push('aborted'), { signal: controller.signal })
      .catch((e: unknown) => e);
    const next = limiter.execute(async () => order.push('next'));
    controller.abort();
    expect(isAbortError(await aborted)).toBe(true);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    await clock.advance(100);
    await next;
    expect(order).toEqual(['first', 'next']);
  });

  it('clears its timer when the last waiter aborts', async () => {
    const clock = fakeClock();
    const limiter = rateLimit({ limit: 1, intervalMs: 1_000, clock });
    await limiter.execute(async () => 0);
    const controller = new AbortController();
    const p = limiter.execute(async () => 1, { signal: controller.signal }).catch((e: unknown) => e);
    expect(clock.pending).toBe(1);
    controller.abort();
    expect(await p).toBeInstanceOf(AbortError);
    expect(clock.pending).toBe(0);
  });

  it('refuses an already aborted call without taking a token', async () => {
    const clock = fakeClock();
    const limiter = rateLimit({ limit: 1, intervalMs: 1_000, mode: 'reject', clock });
    const controller = new AbortController();
    controller.abort();
    await expect(limiter.execute(async () => 1, { signal: controller.signal })).rejects.toBeInstanceOf(AbortError);
    await expect(limiter.execute(async () => 2)).resolves.toBe(2);
  });

  it("rejects beyond maxQueue in 'wait' mode", async () => {
    const clock = fakeClock();
    const limiter = rateLimit({ limit: 1, intervalMs: 100, maxQueue: 1, clock });
    await limiter.execute(async () => 0);
    const queued = limiter.execute(async () => 1);
    await expect(limiter.execute(async () => 2)).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 200 });
    await clock.advance(100);
    await expect(queued).resolves.toBe(1);
  });

  it.each([
    [undefined],
    [{ limit: 0, intervalMs: 1000 }],
    [{ limit: 1.5, intervalMs: 1000 }],
    [{ limit: 10, intervalMs: 0 }],
    [{ limit: 10 }],
    [{ limit: 10, intervalMs: 1000, mode: 'drop' }],
    [{ limit: 10, intervalMs: 1000, maxQueue: -1 }],
  ])('refuses %j with CONFIG', (options) => {
    expect(() => rateLimit(options as never)).toThrowError(expect.objectContaining({ code: 'CONFIG' }));
  });
});

describe('rateLimit token bucket (property)', () => {
  it('never admits more than limit + elapsed × rate', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 10, max: 1_000 }),
        fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 40 }),
        async (limit, intervalMs, gaps) => {
          const clock = fakeClock(0);
          const limiter = rateLimit({ limit, intervalMs, mode: 'reject', clock });
          const admitted: number[] = [];
          for (const gap of gaps) {
            await clock.advance(gap);
            const error = await limiter
              .execute(async () => admitted.push(clock.now()))
              .then(
                () => undefined,
                (e: unknown) => e,
              );
            if (error) expect((error as RateLimitError).retryAfterMs).toBeGreaterThan(0);
          }
          for (let i = 0; i < admitted.length; i++) {
            for (let j = i; j < admitted.length; j++) {
              const span = (admitted[j] as number) - (admitted[i] as number);
              expect(j - i + 1).toBeLessThanOrEqual(limit + (span * limit) / intervalMs + 1e-9);
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('admits the call retried after retryAfterMs', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 10, max: 1_000 }),
        fc.integer({ min: 0, max: 2_000 }),
        async (limit, intervalMs, idle) => {
          const clock = fakeClock(0);
          const limiter = rateLimit({ limit, intervalMs, mode: 'reject', clock });
          await clock.advance(idle);
          let error: unknown;
          while (!error)
            error = await limiter
              .execute(async () => undefined)
              .then(
                () => undefined,
                (e: unknown) => e,
              );
          const { retryAfterMs } = error as RateLimitError;
          await clock.advance((retryAfterMs as number) - 1);
          await expect(limiter.execute(async () => 'early')).rejects.toBeInstanceOf(RateLimitError);
          await clock.advance(1);
          await expect(limiter.execute(async () => 'on time')).resolves.toBe('on time');
        },
      ),
      { numRuns: 150 },
    );
  });
});
