import { getEventListeners } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { AbortError, type Clock, isAbortError, isTimeoutError, systemClock, TimeoutError } from '../../src/index.js';
import { timeout } from '../../src/policies/index.js';
import { fakeClock } from './fake-clock.js';

const never = () => new Promise<never>(() => {});

describe('timeout', () => {
  it('resolves with the value of a fast call', async () => {
    const clock = fakeClock();
    await expect(timeout(100, { clock }).execute(async ({ attempt }) => `ok ${attempt}`)).resolves.toBe('ok 1');
    await expect(timeout(100, { clock }).execute(() => 'sync')).resolves.toBe('sync');
  });

  it('passes a rejection and a synchronous throw through', async () => {
    const policy = timeout(100, { clock: fakeClock() });
    const boom = new Error('boom');
    await expect(policy.execute(() => Promise.reject(boom))).rejects.toBe(boom);
    await expect(
      policy.execute(() => {
        throw boom;
      }),
    ).rejects.toBe(boom);
  });

  it('rejects with TimeoutError after ms and aborts ctx.signal', async () => {
    const clock = fakeClock();
    let signal: AbortSignal | undefined;
    const p = timeout(250, { clock, name: 'llm call' })
      .execute((ctx) => {
        signal = ctx.signal;
        return never();
      })
      .catch((e: unknown) => e);
    await clock.advance(249);
    expect(signal?.aborted).toBe(false);
    await clock.advance(1);
    const error = await p;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: 'TIMEOUT', retryable: true, message: 'llm call timed out after 250 ms' });
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBe(error);
  });

  it('gives a signal read after the deadline already aborted', async () => {
    const clock = fakeClock();
    let read: (() => AbortSignal) | undefined;
    const p = timeout(10, { clock })
      .execute((ctx) => {
        read = () => ctx.signal;
        return never();
      })
      .catch((e: unknown) => e);
    await clock.advance(10);
    expect(isTimeoutError(await p)).toBe(true);
    expect(read?.().aborted).toBe(true);
  });

  it('expires each call at its own deadline', async () => {
    const clock = fakeClock();
    const policy = timeout(100, { clock });
    const done: string[] = [];
    const a = policy.execute(never).catch(() => done.push('a'));
    await clock.advance(50);
    const b = policy.execute(never).catch(() => done.push('b'));
    await clock.advance(50);
    expect(done).toEqual(['a']);
    await clock.advance(49);
    expect(done).toEqual(['a']);
    await clock.advance(1);
    await Promise.all([a, b]);
    expect(done).toEqual(['a', 'b']);
    expect(clock.pending).toBe(0);
  });

  it('ignores the late result of a timed-out call (no unhandled rejection)', async () => {
    const clock = fakeClock();
    let rejectLate: ((e: Error) => void) | undefined;
    const p = timeout(10, { clock })
      .execute(() => new Promise((_, reject) => (rejectLate = reject)))
      .catch((e: unknown) => e);
    await clock.advance(10);
    expect(isTimeoutError(await p)).toBe(true);
    rejectLate?.(new Error('late'));
    await clock.flush();
  });

  it('rejects with AbortError when the caller aborts, and aborts ctx.signal', async () => {
    const clock = fakeClock();
    const controller = new AbortController();
    let signal: AbortSignal | undefined;
    const p = timeout(1_000, { clock })
      .execute(
        (ctx) => {
          signal = ctx.signal;
          return never();
        },
        { signal: controller.signal },
      )
      .catch((e: unknown) => e);
    controller.abort();
    const error = await p;
    expect(isAbortError(error)).toBe(true);
    expect(signal?.aborted).toBe(true);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('does not call the function when the signal is already aborted', async () => {
    const fn = vi.fn(async () => 1);
    const controller = new AbortController();
    controller.abort();
    await expect(timeout(10).execute(fn, { signal: controller.signal })).rejects.toBeInstanceOf(AbortError);
    expect(fn).not.toHaveBeenCalled();
  });

  it('leaves no abort listener or timer behind after 100k calls', async () => {
    const clock = fakeClock();
    const policy = timeout(1_000, { clock });
    const controller = new AbortController();
    const { signal } = controller;
    let total = 0;
    for (let i = 0; i < 100_000; i++) {
      total += await policy.execute(async (ctx) => (i % 1000 === 0 && ctx.signal.aborted ? 0 : 1), { signal });
      // Some calls fail: their listeners must go too.
      if (i % 10_000 === 0) await policy.execute(() => Promise.reject(new Error('x')), { signal }).catch(() => 0);
    }
    expect(total).toBe(100_000);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    expect(clock.pending).toBeLessThanOrEqual(1);
    await clock.advance(1_000);
    expect(clock.pending).toBe(0);
  });

  it('arms one real timer for 100k calls, not one per call', async () => {
    let created = 0;
    const counting: Clock = {
      now: () => systemClock.now(),
      setTimeout: (fn, ms) => {
        created++;
        return systemClock.setTimeout(fn, ms);
      },
      clearTimeout: (handle) => systemClock.clearTimeout(handle),
    };
    const policy = timeout(60_000, { clock: counting });
    const controller = new AbortController();
    for (let i = 0; i < 100_000; i++) await policy.execute(async () => i, { signal: controller.signal });
    expect(created).toBe(1);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it.each([[0], [-5], [Number.NaN], [Number.POSITIVE_INFINITY], ['100'], [2 ** 31]])(
    'refuses ms = %s with CONFIG',
    (ms) => {
      expect(() => timeout(ms as number)).toThrowError(expect.objectContaining({ code: 'CONFIG' }));
    },
  );
});
