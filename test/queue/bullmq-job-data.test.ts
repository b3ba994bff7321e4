import { describe, expect, it } from 'vitest';
import { constant, exponential } from '../../src/policies/backoff.js';
import { backoffStrategy, bullBackoff, EXPONENTIAL, toBullJob } from '../../src/queue/bullmq/job-data.js';

const retention = (completed: number, failed: number) => ({
  removeOnComplete: { count: completed },
  removeOnFail: { count: failed },
});

describe('BullMQ job mapping', () => {
  it('maps constant backoff to BullMQ fixed and exponential to the custom strategy', () => {
    expect(bullBackoff(constant(250))).toEqual({ type: 'fixed', delay: 250 });
    expect(bullBackoff(exponential())).toEqual({ type: EXPONENTIAL });
    const plain = { id: 'j', name: 'q', payload: 1, json: '1', attempts: 2, backoff: constant(0) };
    expect(toBullJob(plain, retention(1, 1)).opts.backoff).toBeUndefined();
  });

  it('replays exponential({ initial, factor, max, jitter }) exactly', () => {
    const backoff = exponential({ initial: 100, factor: 3, max: 2_000, jitter: 'none' });
    const job = { data: { payload: {}, backoff } };
    expect([1, 2, 3, 4, 5].map((n) => backoffStrategy(n, EXPONENTIAL, undefined, job))).toEqual([
      100, 300, 900, 2_000, 2_000,
    ]);
    const jittered = { data: { payload: {}, backoff: exponential({ initial: 100, max: 1_000 }) } };
    for (let n = 1; n < 6; n++) {
      const delay = backoffStrategy(n, EXPONENTIAL, undefined, jittered);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(Math.min(1_000, 100 * 2 ** (n - 1)));
    }
    expect(backoffStrategy(1, 'other', undefined, job)).toBe(0);
  });

  it('carries id, attempts, delay, priority, time limit and retention into BullMQ options', () => {
    const mapped = toBullJob(
      {
        id: 'j_1',
        name: 'ai_tasks',
        payload: { prompt: 'x' },
        attempts: 3,
        backoff: exponential({ initial: 10 }),
        delayMs: 500,
        priority: 2,
        timeoutMs: 1_000,
      },
      retention(10, 20),
    );
    expect(mapped).toEqual({
      name: 'ai_tasks',
      data: { payload: { prompt: 'x' }, backoff: exponential({ initial: 10 }), timeoutMs: 1_000 },
      opts: {
        jobId: 'j_1',
        attempts: 3,
        backoff: { type: EXPONENTIAL },
        delay: 500,
        priority: 2,
        removeOnComplete: { count: 10 },
        removeOnFail: { count: 20 },
      },
    });
  });

  it('builds the options of plain jobs once per attempts count and shares them', () => {
    const shared = { ...retention(5, 5), plain: new Map() };
    const plain = { name: 'q', payload: 1, attempts: 2, backoff: constant(0) };
    const a = toBullJob(plain, shared);
    const b = toBullJob({ ...plain, payload: 2 }, shared);
    expect(b.opts).toBe(a.opts);
    expect(a.opts).toEqual({ attempts: 2, removeOnComplete: { count: 5 }, removeOnFail: { count: 5 } });
    expect(b.data).toEqual({ payload: 2 });
    expect(toBullJob({ ...plain, attempts: 3 }, shared).opts).not.toBe(a.opts);
    expect(toBullJob({ ...plain, id: 'j' }, shared).opts).toMatchObject({ jobId: 'j', attempts: 2 });
    expect(toBullJob({ ...plain, priority: 4 }, shared).opts).toMatchObject({ priority: 4 });
    expect(toBullJob(plain, shared).opts).toBe(a.opts);
  });

  it('leaves the id to BullMQ when the caller gave none', () => {
    const mapped = toBullJob({ name: 'q', payload: 1, attempts: 1, backoff: constant(0) }, retention(1, 1));
    expect(mapped.opts).not.toHaveProperty('jobId');
    expect(mapped.data).toEqual({ payload: 1 });
  });
});
