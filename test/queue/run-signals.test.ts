import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { isAbortError } from '../../src/index.js';
import { constant } from '../../src/policies/backoff.js';
import { createQueue, memoryDriver } from '../../src/queue/index.js';

describe('job signals', () => {
  it('each try has its own signal, so handlers that listen to it never pile listeners onto one', async () => {
    const queue = createQueue<{ calls: { n: number } }>({ driver: memoryDriver() });
    const signals: AbortSignal[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = 0;
    const allStarted = new Promise<void>((resolve) => {
      void queue.process(
        'calls',
        async (job) => {
          signals.push(job.signal);
          // What fetch does with the signal it is given.
          const onAbort = () => {};
          job.signal.addEventListener('abort', onAbort);
          if (++started === 20) resolve();
          await gate;
          job.signal.removeEventListener('abort', onAbort);
        },
        { concurrency: 20 },
      );
    });
    await queue.sendMany(
      'calls',
      Array.from({ length: 20 }, (_, n) => ({ payload: { n } })),
    );
    await allStarted;
    expect(new Set(signals).size).toBe(20);
    for (const signal of signals) expect(getEventListeners(signal, 'abort').length).toBeLessThanOrEqual(1);
    release();
    await queue.close({ drain: true });
  });

  it('a job exposes no driver bookkeeping that could abort other jobs', async () => {
    const queue = createQueue<{ calls: { n: number } }>({ driver: memoryDriver() });
    const seen = new Promise<object>((resolve) => {
      void queue.process('calls', (job) => {
        resolve(job);
      });
    });
    await queue.send('calls', { n: 1 });
    const job = await seen;
    expect('signals' in job).toBe(false);
    expect(JSON.stringify(job)).not.toContain('active');
    await queue.close({ drain: true });
  });

  it('a try whose handler throws at once no longer holds its signal', async () => {
    const driver = memoryDriver();
    let signal: AbortSignal | undefined;
    await driver.process(
      'calls',
      (run) => {
        signal = run.signal;
        throw new Error('refused at once');
      },
      { concurrency: 1, onDeadLettered() {} },
    );
    await driver.add([{ id: 'j1', name: 'calls', payload: {}, json: '{}', attempts: 1, backoff: constant(0) }]);
    for (let i = 0; i < 10 && !signal; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(signal).toBeInstanceOf(AbortSignal);
    await driver.close({ drain: false });
    // Settled tries are not aborted by a later close.
    expect(signal?.aborted).toBe(false);
  });

  it('close without draining aborts the signals of running tries with AbortError', async () => {
    const queue = createQueue<{ slow: { n: number } }>({ driver: memoryDriver() });
    const reasons: unknown[] = [];
    const running = new Promise<void>((resolve) => {
      void queue.process(
        'slow',
        (job) =>
          new Promise<void>((_, reject) => {
            job.signal.addEventListener('abort', () => {
              reasons.push(job.signal.reason);
              reject(job.signal.reason);
            });
            resolve();
          }),
      );
    });
    await queue.send('slow', { n: 1 });
    await running;
    await queue.close({ drain: false });
    expect(reasons).toHaveLength(1);
    expect(isAbortError(reasons[0])).toBe(true);
  });
});
