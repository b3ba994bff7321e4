import { describe, expect, it, vi } from 'vitest';
import { NetworkError } from '../../src/index.js';
import { MAX_DELAY } from '../../src/internal/config.js';
import {
  assertBackoff,
  bulkhead,
  circuitBreaker,
  compose,
  consecutive,
  constant,
  exponential,
  fallback,
  type Policy,
  rateLimit,
  retry,
  sampling,
  timeout,
} from '../../src/policies/index.js';
import { fakeClock, recordingSink } from './fake-clock.js';

// Untyped access: these tests pass what TypeScript would refuse.
const X = { retry, exponential, constant, circuitBreaker, sampling, timeout, compose, assertBackoff } as Record<
  string,
  (...args: unknown[]) => unknown
>;
const config = (message: string | RegExp) =>
  expect.objectContaining({ code: 'CONFIG', message: expect.stringMatching(message) });

describe('execute(fn) with something other than a function rejects with CONFIG', () => {
  const policies: Array<[string, () => Policy]> = [
    ['retry', () => retry()],
    ['timeout', () => timeout(1000)],
    ['circuitBreaker', () => circuitBreaker()],
    ['compose', () => compose(timeout(1000), retry())],
    ['compose()', () => compose()],
    ['fallback', () => fallback(1)],
    ['rateLimit', () => rateLimit({ limit: 1, intervalMs: 1000 })],
    ['bulkhead', () => bulkhead({ concurrency: 1 })],
  ];
  it.each(policies)('%s', async (_, make) => {
    const policy = make();
    for (const fn of [5, null, undefined, {}, 'fn']) {
      const result = policy.execute(fn as never);
      expect(result).toBeInstanceOf(Promise);
      await expect(result).rejects.toThrow(config(`^execute\\(fn\\): fn must be a function, got ${typeof fn}$`));
    }
  });

  it.each(policies)('%s: a signal that is not an AbortSignal, without running fn', async (_, make) => {
    const policy = make();
    const fn = vi.fn(() => 'ran');
    for (const signal of [5, {}, 'x']) {
      await expect(policy.execute(fn, { signal: signal as never })).rejects.toThrow(
        config(/^execute: signal must be an AbortSignal$/),
      );
    }
    expect(fn).not.toHaveBeenCalled();
  });

  it('before an already aborted signal, and without counting as a breaker failure', async () => {
    const breaker = circuitBreaker({ breaker: consecutive(1) });
    await expect(breaker.execute(5 as never, { signal: AbortSignal.abort() })).rejects.toThrow(config(/^execute/));
    await expect(retry().execute(5 as never, { signal: AbortSignal.abort() })).rejects.toThrow(config(/^execute/));
    await expect(breaker.execute(5 as never)).rejects.toThrow(config(/^execute/));
    expect(breaker.state).toBe('closed');
  });

  it('the rate limiter spends no token on it', async () => {
    const limiter = rateLimit({ limit: 1, intervalMs: 60_000, mode: 'reject' });
    await expect(limiter.execute(5 as never)).rejects.toThrow(config(/^execute/));
    await expect(limiter.execute(() => 'ran')).resolves.toBe('ran');
  });
});

describe('compose() takes policies only', () => {
  it.each([
    ['null', [null]],
    ['a number', [5, retry()]],
    ['an object without execute', [{}, retry()]],
    ['undefined twice', [undefined, undefined]],
    ['execute that is not a function', [retry(), { execute: 5 }]],
  ])('%s → CONFIG at compose time', (_, args) => {
    expect(() => X.compose?.(...args)).toThrow(
      config(/^compose\(\) takes policies \(objects with an execute method\)$/),
    );
  });

  it('a hand-written policy with execute is fine', async () => {
    const own: Policy = { execute: (fn) => Promise.resolve(fn({ signal: new AbortController().signal, attempt: 1 })) };
    await expect(compose(own, retry()).execute(() => 2)).resolves.toBe(2);
  });
});

describe('options that are not an object → CONFIG', () => {
  it.each([
    ['retry', () => X.retry?.(null), /^retry options must be an object$/],
    ['retry', () => X.retry?.('x'), /^retry options must be an object$/],
    ['exponential', () => X.exponential?.(null), /^exponential options must be an object$/],
    ['circuitBreaker', () => X.circuitBreaker?.(null), /^circuitBreaker options must be an object$/],
    ['sampling', () => X.sampling?.(null), /^sampling options must be an object$/],
    ['timeout', () => X.timeout?.(1000, null), /^timeout options must be an object$/],
  ])('%s', (_, make, message) => {
    expect(make).toThrow(config(message));
  });
});

describe('backoff delays stay within [0, MAX_DELAY] (longer timers fire at once)', () => {
  it.each([
    [
      'constant(Infinity)',
      () => constant(Number.POSITIVE_INFINITY),
      /^constant\(ms\) must be a number in \[0, 2147483647\], got Infinity$/,
    ],
    [
      'constant(1e12)',
      () => constant(1e12),
      /^constant\(ms\) must be a number in \[0, 2147483647\], got 1000000000000$/,
    ],
    ['constant(MAX_DELAY + 1)', () => constant(MAX_DELAY + 1), /got 2147483648$/],
    [
      'exponential max Infinity',
      () => exponential({ max: Number.POSITIVE_INFINITY }),
      /^exponential\.max must be a number in \[0, 2147483647\], got Infinity$/,
    ],
    [
      'exponential max 1e12',
      () => exponential({ max: 1e12 }),
      /^exponential\.max must be a number in \[0, 2147483647\]/,
    ],
    [
      'exponential initial 1e12',
      () => exponential({ initial: 1e12 }),
      /^exponential\.initial must be a number in \[0, 2147483647\]/,
    ],
    [
      'exponential factor Infinity',
      () => exponential({ factor: Number.POSITIVE_INFINITY }),
      /^exponential\.factor must be a number in \[1, 1000\]/,
    ],
    [
      'exponential initial null',
      () => exponential({ initial: null as never }),
      /^exponential\.initial must be a number/,
    ],
  ])('%s', (_, make, message) => {
    expect(make).toThrow(config(message));
  });

  it('MAX_DELAY itself is accepted', () => {
    expect(constant(MAX_DELAY).delayMs).toBe(MAX_DELAY);
    expect(exponential({ initial: MAX_DELAY, max: MAX_DELAY }).max).toBe(MAX_DELAY);
  });

  it.each([
    [
      'constant NaN',
      { type: 'constant', delayMs: Number.NaN },
      /^retry\.backoff\.delayMs must be a number in \[0, 2147483647\], got NaN$/,
    ],
    ['constant -5', { type: 'constant', delayMs: -5 }, /^retry\.backoff\.delayMs must be a number .*got -5$/],
    ['constant 1e12', { type: 'constant', delayMs: 1e12 }, /^retry\.backoff\.delayMs must be a number/],
    [
      'exponential without fields',
      { type: 'exponential' },
      /^retry\.backoff\.initial must be a number .*got undefined$/,
    ],
    [
      'exponential max 1e12',
      { type: 'exponential', initial: 1, max: 1e12, factor: 2, jitter: 'none' },
      /^retry\.backoff\.max must be a number in \[0, 2147483647\], got 1000000000000$/,
    ],
    [
      'exponential factor 0.5',
      { type: 'exponential', initial: 1, max: 2, factor: 0.5, jitter: 'none' },
      /^retry\.backoff\.factor must be a number in \[1, 1000\]/,
    ],
    [
      'exponential jitter x',
      { type: 'exponential', initial: 1, max: 2, factor: 2, jitter: 'x' },
      /^retry\.backoff\.jitter must be 'full' or 'none', got x$/,
    ],
    [
      'exponential max < initial',
      { type: 'exponential', initial: 5, max: 2, factor: 2, jitter: 'none' },
      /^retry\.backoff\.max must be >= retry\.backoff\.initial$/,
    ],
    ['null', null, /^retry\.backoff must be constant\(ms\) or exponential\(\{\.\.\.\}\)$/],
  ])('a hand-built backoff passed to retry: %s → CONFIG', (_, backoff, message) => {
    expect(() => retry({ backoff: backoff as never })).toThrow(config(message));
  });

  it('assertBackoff returns a valid backoff as is', () => {
    const backoff = exponential({ initial: 1 });
    expect(assertBackoff(backoff)).toBe(backoff);
    expect(() => assertBackoff({ type: 'constant', delayMs: Number.NaN })).toThrow(config(/^backoff\.delayMs/));
  });

  it.each([Number.POSITIVE_INFINITY, 1e12])(
    'a Retry-After of %d waits at most the backoff max (itself at most MAX_DELAY), never fires at once',
    async (retryAfterMs) => {
      const clock = fakeClock();
      const bus = recordingSink();
      const fn = vi.fn(async ({ attempt }: { attempt: number }) => {
        if (attempt === 1) throw new NetworkError('busy', { retryAfterMs });
        return 'second';
      });
      const result = retry({ maxAttempts: 2, backoff: exponential({ max: MAX_DELAY }), clock, bus }).execute(fn);
      await clock.advance(MAX_DELAY - 1);
      expect(fn).toHaveBeenCalledTimes(1);
      await clock.advance(1);
      await expect(result).resolves.toBe('second');
      expect(bus.events.map((e) => (e.data as { delayMs: number }).delayMs)).toEqual([MAX_DELAY]);
    },
  );
});
