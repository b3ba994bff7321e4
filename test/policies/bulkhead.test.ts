import { getEventListeners } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { BulkheadRejectedError, isAbortError } from '../../src/index.js';
import { bulkhead } from '../../src/policies/index.js';

function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('bulkhead', () => {
  it('runs up to concurrency, queues up to queue, and rejects the overflow', async () => {
    const pool = bulkhead({ concurrency: 2, queue: 1 });
    const g = gate();
    let running = 0;
    let peak = 0;
    const task = async () => {
      running++;
      peak = Math.max(peak, running);
      await g.promise;
      running--;
      return 'done';
    };
    const accepted = [pool.execute(task), pool.execute(task), pool.execute(task)];
    await tick();
    expect([pool.running, pool.queued]).toEqual([2, 1]);
    const fn = vi.fn(task);
    const error = await pool.execute(fn).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BulkheadRejectedError);
    expect(error).toMatchObject({ code: 'BULKHEAD_FULL', retryable: false });
    expect(fn).not.toHaveBeenCalled();
    g.open();
    await expect(Promise.all(accepted)).resolves.toEqual(['done', 'done', 'done']);
    expect(peak).toBe(2);
    expect([pool.running, pool.queued]).toEqual([0, 0]);
  });

  it('rejects at once with the default queue of 0', async () => {
    const pool = bulkhead({ concurrency: 1 });
    const g = gate();
    const first = pool.execute(() => g.promise);
    await expect(pool.execute(async () => 1)).rejects.toBeInstanceOf(BulkheadRejectedError);
    g.open();
    await first;
    await expect(pool.execute(async () => 2)).resolves.toBe(2);
  });

  it('takes an aborted queued call out of the queue without running it', async () => {
    const pool = bulkhead({ concurrency: 1, queue: 2 });
    const g = gate();
    const first = pool.execute(() => g.promise);
    const controller = new AbortController();
    const fn = vi.fn(async () => 'never');
    const queued = pool.execute(fn, { signal: controller.signal }).catch((e: unknown) => e);
    await tick();
    expect(pool.queued).toBe(1);
    controller.abort();
    expect(isAbortError(await queued)).toBe(true);
    expect(pool.queued).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    g.open();
    await first;
    expect(fn).not.toHaveBeenCalled();
  });

  it('keeps the slot of a running call until it settles, even when aborted', async () => {
    const pool = bulkhead({ concurrency: 1, queue: 1 });
    const g = gate();
    const controller = new AbortController();
    let sawAbort = false;
    const running = pool.execute(
      async ({ signal }) => {
        await g.promise;
        sawAbort = signal.aborted;
        return 'finished';
      },
      { signal: controller.signal },
    );
    await tick();
    controller.abort();
    await tick();
    expect(pool.running).toBe(1);
    const next = pool.execute(async () => 'next');
    await tick();
    expect(pool.queued).toBe(1);
    g.open();
    await expect(running).resolves.toBe('finished');
    expect(sawAbort).toBe(true);
    await expect(next).resolves.toBe('next');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('refuses an already aborted call', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await bulkhead({ concurrency: 1 })
      .execute(async () => 1, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(isAbortError(error)).toBe(true);
  });

  it.each([
    [undefined],
    [{ concurrency: 0 }],
    [{ concurrency: -1 }],
    [{ concurrency: 1.5 }],
    [{ concurrency: 2, queue: -1 }],
    [{ concurrency: 2, queue: 0.5 }],
  ])('refuses %j with CONFIG', (options) => {
    expect(() => bulkhead(options as never)).toThrowError(expect.objectContaining({ code: 'CONFIG' }));
  });
});
