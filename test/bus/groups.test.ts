import { describe, expect, it, vi } from 'vitest';
import { createBus } from '../../src/bus/index.js';

type Events = { 'job.ready': { n: number } };

describe('in-process work-sharing groups and close()', () => {
  it('each event goes to exactly one member of each group, and to every broadcast handler', async () => {
    const bus = createBus<Events>();
    const got = { a: [] as number[], b: [] as number[], other: [] as number[], all: [] as number[] };
    bus.subscribe('job.ready', (e) => void got.a.push(e.data.n), { group: 'workers' });
    bus.subscribe('job.ready', (e) => void got.b.push(e.data.n), { group: 'workers' });
    bus.subscribe('job.ready', (e) => void got.other.push(e.data.n), { group: 'audit' });
    bus.subscribe('job.ready', (e) => void got.all.push(e.data.n));
    for (let n = 0; n < 10; n++) await bus.publish('job.ready', { n });
    expect([...got.a, ...got.b].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(got.a.length).toBe(5);
    expect(got.other).toHaveLength(10);
    expect(got.all).toHaveLength(10);
  });

  it('unsubscribing a member hands its share to the others; the last one removes the group', async () => {
    const bus = createBus<Events>();
    const a = vi.fn();
    const b = vi.fn();
    const offA = bus.subscribe('job.ready', a, { group: 'g' });
    const offB = bus.subscribe('job.ready', b, { group: 'g' });
    expect(bus.listenerCount('job.ready')).toBe(1);
    offA();
    offA();
    for (let n = 0; n < 4; n++) bus.emit('job.ready', { n });
    expect(a).not.toHaveBeenCalled();
    expect(b).toHaveBeenCalledTimes(4);
    offB();
    expect(bus.listenerCount()).toBe(0);
  });

  it('a failing group handler is reported like any handler and does not reach the publisher', async () => {
    const onHandlerError = vi.fn();
    const bus = createBus<Events>({ onHandlerError });
    bus.subscribe(
      'job.ready',
      () => {
        throw new Error('boom');
      },
      { group: 'g' },
    );
    await expect(bus.publish('job.ready', { n: 1 })).resolves.toMatchObject({ type: 'job.ready' });
    expect(onHandlerError).toHaveBeenCalledOnce();
  });

  it('refuses an empty group name with CONFIG', () => {
    const bus = createBus<Events>();
    expect(() => bus.subscribe('job.ready', () => {}, { group: '' })).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
  });

  it('close() removes every handler', async () => {
    const bus = createBus<Events>();
    const h = vi.fn();
    bus.subscribe('job.ready', h);
    bus.subscribe('job.ready', h, { group: 'g' });
    await bus.close();
    await bus.publish('job.ready', { n: 1 });
    expect(h).not.toHaveBeenCalled();
    expect(bus.listenerCount()).toBe(0);
  });
});
