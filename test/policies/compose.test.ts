import { getEventListeners } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { isAbortError, isTimeoutError, NetworkError, type Policy } from '../../src/index.js';
import { neverAborted } from '../../src/policies/context.js';
import {
  bulkhead,
  circuitBreaker,
  compose,
  consecutive,
  constant,
  type ExecuteOptions,
  fallback,
  rateLimit,
  retry,
  timeout,
} from '../../src/policies/index.js';
import { fakeClock } from './fake-clock.js';

/** A policy that records when it is entered and left. */
function tracer(name: string, log: string[]): Policy {
  return {
    async execute(fn, opts?: ExecuteOptions) {
      log.push(`${name}>`);
      try {
        return await fn({ signal: opts?.signal ?? new AbortController().signal, attempt: opts?.attempt ?? 1 });
      } finally {
        log.push(`<${name}`);
      }
    },
  };
}
const never = () => new Promise<never>(() => {});

describe('compose', () => {
  it('nests policies, the first outermost', async () => {
    const log: string[] = [];
    const policy = compose(tracer('a', log), tracer('b', log), tracer('c', log));
    await expect(policy.execute(async () => log.push('fn'))).resolves.toBe(4);
    expect(log).toEqual(['a>', 'b>', 'c>', 'fn', '<c', '<b', '<a']);
  });

  it('is the identity with zero or one policy', async () => {
    const single = retry();
    expect(compose(single)).toBe(single);
    await expect(compose().execute(async ({ attempt, signal }) => [attempt, signal.aborted])).resolves.toEqual([
      1,
      false,
    ]);
  });

  it('hands each retry attempt to inner policies, so a breaker counts attempts', async () => {
    const clock = fakeClock();
    const breaker = circuitBreaker({ breaker: consecutive(3), halfOpenAfter: 1_000, clock });
    const attempts: number[] = [];
    const p = compose(retry({ maxAttempts: 5, backoff: constant(10), clock }), breaker)
      .execute(async ({ attempt }) => {
        attempts.push(attempt);
        throw new NetworkError('down');
      })
      .catch((e: unknown) => e);
    await clock.advance(100);
    // Three failures open the breaker; CircuitOpenError is not retryable, so the loop stops.
    expect(await p).toMatchObject({ code: 'CIRCUIT_OPEN' });
    expect(attempts).toEqual([1, 2, 3]);
    expect(breaker.state).toBe('open');
  });

  it('timeout outside retry bounds all attempts together', async () => {
    const clock = fakeClock();
    const fn = vi.fn(async () => {
      throw new NetworkError('down');
    });
    const p = compose(timeout(250, { clock }), retry({ maxAttempts: 10, backoff: constant(100), clock }))
      .execute(fn)
      .catch((e: unknown) => e);
    await clock.advance(1_000);
    expect(isTimeoutError(await p)).toBe(true);
    expect(fn).toHaveBeenCalledTimes(3); // at 0, 100 and 200 ms; the wait for 300 is aborted
    expect(clock.pending).toBe(0);
  });

  it('timeout inside retry limits each attempt, and the TimeoutError is retried', async () => {
    const clock = fakeClock();
    const signals: AbortSignal[] = [];
    const p = compose(retry({ maxAttempts: 3, backoff: constant(0), clock }), timeout(100, { clock })).execute(
      ({ signal, attempt }) => {
        signals.push(signal);
        return attempt < 3 ? never() : Promise.resolve('third time');
      },
    );
    await clock.advance(300);
    await expect(p).resolves.toBe('third time');
    expect(signals.map((s) => s.aborted)).toEqual([true, true, false]);
  });

  it("passes the caller's signal and idempotent flag through every layer", async () => {
    const controller = new AbortController();
    const fn = vi.fn(async ({ signal }: { signal: AbortSignal }) => {
      controller.abort();
      expect(signal.aborted).toBe(true);
      throw new NetworkError('down');
    });
    const policy = compose(timeout(1_000), retry({ maxAttempts: 5, backoff: constant(0) }), circuitBreaker());
    const error = await policy.execute(fn, { signal: controller.signal }).catch((e: unknown) => e);
    expect(isAbortError(error)).toBe(true);
    expect(fn).toHaveBeenCalledTimes(1);

    const once = vi.fn(async () => {
      throw new NetworkError('down');
    });
    const nonIdempotent = compose(tracer('outer', []), retry({ maxAttempts: 5, backoff: constant(0) }));
    await expect(nonIdempotent.execute(once, { idempotent: false } as ExecuteOptions)).rejects.toThrow('down');
    expect(once).toHaveBeenCalledTimes(1);
  });

  it('works with a hand-written policy in the middle', async () => {
    const log: string[] = [];
    const attempts: number[] = [];
    const clock = fakeClock();
    const p = compose(
      retry({ maxAttempts: 2, backoff: constant(1), clock }),
      tracer('mine', log),
      timeout(50, { clock }),
    ).execute(async ({ attempt }) => {
      attempts.push(attempt);
      if (attempt === 1) throw new NetworkError('x');
      return 'ok';
    });
    await clock.advance(10);
    await expect(p).resolves.toBe('ok');
    expect(attempts).toEqual([1, 2]);
    expect(log).toEqual(['mine>', '<mine', 'mine>', '<mine']);
  });
});

describe('fallback', () => {
  it('returns the fallback value or the result of the fallback function', async () => {
    await expect(fallback('cached').execute(async () => Promise.reject(new Error('x')))).resolves.toBe('cached');
    await expect(
      fallback((e: unknown) => `from ${(e as Error).message}`).execute(() => Promise.reject(new Error('x'))),
    ).resolves.toBe('from x');
    await expect(fallback('unused').execute(async () => 'live')).resolves.toBe('live');
  });

  it('never swallows an abort', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await compose(fallback('x'), timeout(100))
      .execute(async () => 1, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(isAbortError(error)).toBe(true);
  });

  it('catches what inner policies give up on', async () => {
    const clock = fakeClock();
    const p = compose(fallback([]), retry({ maxAttempts: 2, backoff: constant(5), clock })).execute(async () => {
      throw new NetworkError('down');
    });
    await clock.advance(10);
    await expect(p).resolves.toEqual([]);
  });
});

describe('policies under an outer timeout', () => {
  it('a timeout takes a call out of a rate-limit queue', async () => {
    const clock = fakeClock();
    const limiter = rateLimit({ limit: 1, intervalMs: 1_000, clock });
    await limiter.execute(async () => 0);
    const fn = vi.fn(async () => 1);
    const p = compose(timeout(100, { clock }), limiter)
      .execute(fn)
      .catch((e: unknown) => e);
    await clock.advance(100);
    expect(isTimeoutError(await p)).toBe(true);
    await clock.advance(2_000);
    expect(fn).not.toHaveBeenCalled();
    expect(clock.pending).toBe(0);
  });

  it('a timeout takes a call out of a bulkhead queue', async () => {
    const clock = fakeClock();
    const pool = bulkhead({ concurrency: 1, queue: 1 });
    let release!: () => void;
    const first = pool.execute(() => new Promise<void>((r) => (release = r)));
    const fn = vi.fn(async () => 1);
    const p = compose(timeout(50, { clock }), pool)
      .execute(fn)
      .catch((e: unknown) => e);
    await clock.flush();
    expect(pool.queued).toBe(1);
    await clock.advance(50);
    expect(isTimeoutError(await p)).toBe(true);
    expect(pool.queued).toBe(0);
    release();
    await first;
    expect(fn).not.toHaveBeenCalled();
  });

  it('with the real clock, a timeout fires and aborts the signal', async () => {
    let signal: AbortSignal | undefined;
    const error = await timeout(20)
      .execute((ctx) => {
        signal = ctx.signal;
        return never();
      })
      .catch((e: unknown) => e);
    expect(isTimeoutError(error)).toBe(true);
    expect(signal?.aborted).toBe(true);
  });
});

describe('many concurrent waits without a caller signal', () => {
  it('add no listener to a shared signal (no MaxListeners warning)', async () => {
    const clock = fakeClock();
    const retrying = retry({ maxAttempts: 2, backoff: constant(10), clock });
    const limiter = rateLimit({ limit: 1, intervalMs: 10, clock });
    const calls = Array.from({ length: 30 }, (_, i) =>
      compose(retrying, limiter).execute(async ({ attempt }) => {
        if (attempt === 1 && i % 2 === 0) throw new NetworkError('x');
        return i;
      }),
    );
    await clock.advance(5);
    expect(getEventListeners(neverAborted, 'abort')).toHaveLength(0);
    await clock.advance(1_000);
    expect((await Promise.all(calls)).length).toBe(30);
  });
});

describe('functions returning plain values or foreign thenables', () => {
  it('every policy resolves them like promises', async () => {
    // biome-ignore lint/suspicious/noThenProperty: a foreign thenable is the point of this test
    const thenable = { then: (resolve: (v: number) => void) => resolve(5) } as unknown as Promise<number>;
    const policies = [
      retry(),
      circuitBreaker(),
      timeout(1_000),
      rateLimit({ limit: 10, intervalMs: 1_000 }),
      bulkhead({ concurrency: 1 }),
      fallback(0),
      compose(timeout(1_000), retry(), circuitBreaker()),
    ];
    for (const policy of policies) {
      await expect(policy.execute(() => thenable)).resolves.toBe(5);
      await expect(policy.execute(() => 6)).resolves.toBe(6);
    }
  });
});
