import { describe, expect, it, vi } from 'vitest';
import { AbortError, HttpError, IntegrationError, isAbortError, NetworkError, TimeoutError } from '../../src/index.js';
import { constant, exponential, retry } from '../../src/policies/index.js';
import { fakeClock, recordingSink } from './fake-clock.js';

const retryable = (message = 'flaky') => new NetworkError(message);

describe('retry', () => {
  it('returns the first success without waiting', async () => {
    const clock = fakeClock();
    const fn = vi.fn(async ({ attempt }: { attempt: number }) => `ok ${attempt}`);
    await expect(retry({ clock }).execute(fn)).resolves.toBe('ok 1');
    expect(fn).toHaveBeenCalledTimes(1);
    expect(clock.pending).toBe(0);
  });

  it('accepts a function returning a plain value', async () => {
    await expect(retry().execute(() => 42)).resolves.toBe(42);
  });

  it('retries retryable errors exactly maxAttempts times, numbering each attempt', async () => {
    const clock = fakeClock();
    const attempts: number[] = [];
    const last = retryable('third');
    const promise = retry({ maxAttempts: 3, backoff: constant(100), clock }).execute(async ({ attempt }) => {
      attempts.push(attempt);
      throw attempt === 3 ? last : retryable();
    });
    const settled = promise.catch((e: unknown) => e);
    await clock.advance(99);
    expect(attempts).toEqual([1]);
    await clock.advance(1);
    expect(attempts).toEqual([1, 2]);
    await clock.advance(100);
    expect(await settled).toBe(last);
    expect(attempts).toEqual([1, 2, 3]);
    expect(clock.pending).toBe(0);
  });

  it('succeeds on a later attempt', async () => {
    const clock = fakeClock();
    let calls = 0;
    const promise = retry({ maxAttempts: 5, backoff: constant(10), clock }).execute(async () => {
      calls++;
      if (calls < 3) throw retryable();
      return 'done';
    });
    await clock.advance(100);
    await expect(promise).resolves.toBe('done');
    expect(calls).toBe(3);
  });

  it('does not retry non-retryable or foreign errors by default', async () => {
    for (const error of [
      new HttpError('bad request', { status: 400, method: 'GET', url: 'https://api.test/x' }),
      new Error('plain'),
      new IntegrationError('x'),
    ]) {
      const fn = vi.fn(async () => {
        throw error;
      });
      await expect(retry({ backoff: constant(0) }).execute(fn)).rejects.toBe(error);
      expect(fn).toHaveBeenCalledTimes(1);
    }
  });

  it('rejects a thrown non-Error value as is, without retrying', async () => {
    const fn = vi.fn(() => {
      throw 'boom';
    });
    await expect(retry({ backoff: constant(0) }).execute(fn)).rejects.toBe('boom');
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('retries fetch network TypeErrors but never other TypeErrors', async () => {
    const clock = fakeClock();
    const network = vi.fn(async () => {
      throw new TypeError('fetch failed');
    });
    const p = retry({ maxAttempts: 3, backoff: constant(1), clock })
      .execute(network)
      .catch((e: unknown) => e);
    await clock.advance(10);
    expect(await p).toBeInstanceOf(TypeError);
    expect(network).toHaveBeenCalledTimes(3);

    const bug = vi.fn(async () => {
      throw new TypeError('x is not a function');
    });
    await expect(retry({ retryOn: () => true, backoff: constant(0) }).execute(bug)).rejects.toThrow('not a function');
    expect(bug).toHaveBeenCalledTimes(1);
  });

  it('asks retryOn with the error and the failed attempt number', async () => {
    const clock = fakeClock();
    const seen: Array<[string, number]> = [];
    const p = retry({
      maxAttempts: 4,
      backoff: constant(5),
      clock,
      retryOn: (error, attempt) => {
        seen.push([(error as Error).message, attempt]);
        return attempt < 2;
      },
    })
      .execute(async ({ attempt }) => {
        throw new Error(`fail ${attempt}`);
      })
      .catch((e: Error) => e.message);
    await clock.advance(50);
    expect(await p).toBe('fail 2');
    expect(seen).toEqual([
      ['fail 1', 1],
      ['fail 2', 2],
    ]);
  });

  it('follows the exponential backoff and publishes http.retry before each wait', async () => {
    const clock = fakeClock();
    const bus = recordingSink();
    const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const calls: number[] = [];
    const p = retry({
      name: 'openai',
      maxAttempts: 4,
      backoff: exponential({ initial: 100, factor: 2, max: 1_000, jitter: 'none' }),
      clock,
      bus,
      logger,
    })
      .execute(async () => {
        calls.push(clock.now());
        throw retryable('socket hang up');
      })
      .catch((e: unknown) => e);
    await clock.advance(1_000);
    await p;
    const start = calls[0] as number;
    expect(calls.map((t) => t - start)).toEqual([0, 100, 300, 700]);
    expect(bus.events).toEqual([
      {
        type: 'http.retry',
        data: {
          name: 'openai',
          attempt: 2,
          delayMs: 100,
          error: { name: 'NetworkError', message: 'socket hang up', code: 'NETWORK' },
        },
      },
      { type: 'http.retry', data: expect.objectContaining({ attempt: 3, delayMs: 200 }) },
      { type: 'http.retry', data: expect.objectContaining({ attempt: 4, delayMs: 400 }) },
    ]);
    expect(logger.warn).toHaveBeenCalledTimes(3);
  });

  it("waits an error's retryAfterMs, capped by the backoff's max", async () => {
    const clock = fakeClock();
    const times: number[] = [];
    const fail = (retryAfterMs: number) =>
      new HttpError('slow down', { status: 429, method: 'GET', url: 'https://api.test/x', retryAfterMs });
    const p = retry({ maxAttempts: 3, backoff: exponential({ initial: 10, max: 2_000, jitter: 'none' }), clock })
      .execute(async ({ attempt }) => {
        times.push(clock.now());
        throw fail(attempt === 1 ? 1_500 : 60_000);
      })
      .catch((e: unknown) => e);
    await clock.advance(10_000);
    await p;
    expect([(times[1] as number) - (times[0] as number), (times[2] as number) - (times[1] as number)]).toEqual([
      1_500, 2_000,
    ]);
  });

  it('ignores retryAfterMs when respectRetryAfter is false; constant backoff caps it at 30 s', async () => {
    const clock = fakeClock();
    const times: number[] = [];
    const run = (respectRetryAfter: boolean) =>
      retry({ maxAttempts: 2, backoff: constant(50), respectRetryAfter, clock }).execute(async () => {
        times.push(clock.now());
        throw new HttpError('busy', { status: 503, method: 'GET', url: 'https://api.test/x', retryAfterMs: 120_000 });
      });
    const a = run(false).catch(() => undefined);
    await clock.advance(60);
    await a;
    expect((times[1] as number) - (times[0] as number)).toBe(50);
    times.length = 0;
    const b = run(true).catch(() => undefined);
    await clock.advance(40_000);
    await b;
    expect((times[1] as number) - (times[0] as number)).toBe(30_000);
  });

  it('caps retryAfterMs under a constant backoff longer than 30 s at that delay', async () => {
    const clock = fakeClock();
    const times: number[] = [];
    const p = retry({ maxAttempts: 2, backoff: constant(40_000), clock })
      .execute(async () => {
        times.push(clock.now());
        throw new HttpError('busy', { status: 503, method: 'GET', url: 'https://api.test/x', retryAfterMs: 120_000 });
      })
      .catch(() => undefined);
    await clock.advance(130_000);
    await p;
    expect((times[1] as number) - (times[0] as number)).toBe(40_000);
  });

  it('runs once when the call is not idempotent', async () => {
    const fn = vi.fn(async () => {
      throw retryable();
    });
    const policy = retry({ maxAttempts: 5, backoff: constant(0) });
    await expect(policy.execute(fn, { idempotent: false } as never)).rejects.toBeInstanceOf(NetworkError);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('cancels the wait when the signal aborts, leaving no timer', async () => {
    const clock = fakeClock();
    const controller = new AbortController();
    const fn = vi.fn(async () => {
      throw retryable();
    });
    const p = retry({ maxAttempts: 3, backoff: constant(1_000), clock })
      .execute(fn, { signal: controller.signal })
      .catch((e: unknown) => e);
    await clock.advance(10);
    expect(clock.pending).toBe(1);
    controller.abort();
    const error = await p;
    expect(isAbortError(error)).toBe(true);
    expect(clock.pending).toBe(0);
    await clock.advance(5_000);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('does not start when the signal is already aborted', async () => {
    const fn = vi.fn(async () => 1);
    const controller = new AbortController();
    controller.abort();
    await expect(retry().execute(fn, { signal: controller.signal })).rejects.toBeInstanceOf(AbortError);
    expect(fn).not.toHaveBeenCalled();
  });

  it('keeps a library error used as abort reason', async () => {
    const clock = fakeClock();
    const controller = new AbortController();
    const p = retry({ backoff: constant(1_000), clock })
      .execute(
        async () => {
          throw retryable();
        },
        { signal: controller.signal },
      )
      .catch((e: unknown) => e);
    await clock.advance(1);
    const reason = new TimeoutError('deadline');
    controller.abort(reason);
    expect(await p).toBe(reason);
  });

  it.each([
    [{ maxAttempts: 0 }],
    [{ maxAttempts: -1 }],
    [{ maxAttempts: 1.5 }],
    [{ maxAttempts: Number.NaN }],
    [{ maxAttempts: '3' }],
    [{ maxAttempts: null }],
    [{ backoff: { type: 'linear' } }],
    [{ backoff: 100 }],
    [{ retryOn: 'yes' }],
  ])('refuses nonsense options with CONFIG: %j', (options) => {
    expect(() => retry(options as never)).toThrowError(expect.objectContaining({ code: 'CONFIG' }));
  });
});
