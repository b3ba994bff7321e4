import { describe, expect, it, vi } from 'vitest';
import { createBus } from '../../src/bus/index.js';
import { isTimeoutError } from '../../src/index.js';
import { createTestClock, recordBus } from '../../src/testing/index.js';

describe('createTestClock', () => {
  it('starts at a fixed time and only moves when advanced', async () => {
    const clock = createTestClock({ now: new Date('2031-05-01T00:00:00Z') });
    expect(clock.now()).toBe(Date.parse('2031-05-01T00:00:00Z'));
    await clock.advance(1500);
    expect(clock.now()).toBe(Date.parse('2031-05-01T00:00:01.500Z'));
  });

  it('fires due timers in time order, setting now to each timer time', async () => {
    const clock = createTestClock({ now: 0 });
    const fired: Array<[string, number]> = [];
    clock.setTimeout(() => fired.push(['b', clock.now()]), 200);
    clock.setTimeout(() => fired.push(['a', clock.now()]), 100);
    clock.setTimeout(() => fired.push(['c', clock.now()]), 300);
    await clock.advance(250);
    expect(fired).toEqual([
      ['a', 100],
      ['b', 200],
    ]);
    expect(clock.pending()).toBe(1);
    await clock.runAll();
    expect(fired.at(-1)).toEqual(['c', 300]);
    expect(clock.pending()).toBe(0);
  });

  it('runs promise chains between timers so sequential waits complete', async () => {
    const clock = createTestClock({ now: 0 });
    const wait = (ms: number) => new Promise<void>((r) => clock.setTimeout(r, ms));
    const done = vi.fn();
    void (async () => {
      await wait(7 * 24 * 3600_000);
      await wait(3600_000);
      done(clock.now());
    })();
    await clock.runAll();
    expect(done).toHaveBeenCalledWith(7 * 24 * 3600_000 + 3600_000);
  });

  it('runNext fires every timer due at the next instant, not the ones they schedule', async () => {
    const clock = createTestClock({ now: 0 });
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b'), 50);
    clock.setTimeout(() => {
      fired.push('a1');
      clock.setTimeout(() => fired.push('follow-up'), 0);
    }, 10);
    clock.setTimeout(() => fired.push('a2'), 10);
    expect(await clock.runNext()).toBe(true);
    expect(fired).toEqual(['a1', 'a2']);
    expect(clock.now()).toBe(10);
    expect(await clock.runNext()).toBe(true);
    expect(fired).toEqual(['a1', 'a2', 'follow-up']);
    expect(clock.now()).toBe(10);
    await clock.runAll();
    expect(fired.at(-1)).toBe('b');
    expect(await clock.runNext()).toBe(false);
  });

  it('clearTimeout cancels a pending timer', async () => {
    const clock = createTestClock();
    const fn = vi.fn();
    const handle = clock.setTimeout(fn, 10);
    clock.clearTimeout(handle);
    await clock.advance(100);
    expect(fn).not.toHaveBeenCalled();
  });

  it('runAll refuses to spin forever and advance refuses bad input', async () => {
    const clock = createTestClock();
    const loop = () => {
      clock.setTimeout(loop, 1);
    };
    loop();
    await expect(clock.runAll({ maxTimers: 50 })).rejects.toMatchObject({ code: 'CONFIG' });
    await expect(clock.advance(-1)).rejects.toMatchObject({ code: 'CONFIG' });
    await expect(clock.advance(Number.NaN)).rejects.toMatchObject({ code: 'CONFIG' });
  });

  it('drives bus.waitFor timeouts without real waiting', async () => {
    const clock = createTestClock();
    const bus = createBus({ clock });
    const waiting = bus.waitFor('workflow.completed', { timeoutMs: 3600_000 }).catch((e: unknown) => e);
    await clock.advance(3600_000);
    expect(isTimeoutError(await waiting)).toBe(true);
  });
});

describe('recordBus', () => {
  it('records envelopes in order, by type, and clears', async () => {
    const bus = createBus<{ 'a.done': { n: number } }>();
    const recorder = recordBus(bus);
    await bus.publish('a.done', { n: 1 });
    bus.emit('breaker.closed', { name: 'x' });
    expect(recorder.types()).toEqual(['a.done', 'breaker.closed']);
    expect(recorder.ofType('a.done').map((e) => e.data)).toEqual([{ n: 1 }]);
    recorder.clear();
    expect(recorder.events).toHaveLength(0);
    recorder.stop();
    await bus.publish('a.done', { n: 2 });
    expect(recorder.events).toHaveLength(0);
  });

  it('waitFor resolves with past or future events and times out with a TimeoutError', async () => {
    const bus = createBus<{ 'a.done': { n: number } }>();
    const recorder = recordBus(bus);
    await bus.publish('a.done', { n: 1 });
    await expect(recorder.waitFor('a.done')).resolves.toMatchObject({ data: { n: 1 } });
    const later = recorder.waitFor('a.done', (e) => (e.data as { n: number }).n === 3);
    await bus.publish('a.done', { n: 2 });
    await bus.publish('a.done', { n: 3 });
    await expect(later).resolves.toMatchObject({ data: { n: 3 } });
    const error = await recorder.waitFor('never.happens', undefined, { timeoutMs: 5 }).catch((e: unknown) => e);
    expect(isTimeoutError(error)).toBe(true);
  });
});
