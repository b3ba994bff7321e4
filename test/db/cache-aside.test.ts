import { describe, expect, it } from 'vitest';
import { cacheAside, memoryKV } from '../../src/db/index.js';
import { createTestClock } from '../../src/testing/index.js';

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('cacheAside', () => {
  it('100 concurrent gets of a missing key call the loader once', async () => {
    let loads = 0;
    const cache = cacheAside(
      memoryKV(),
      async (key) => {
        loads++;
        await new Promise((r) => setTimeout(r, 10));
        return `value of ${key}`;
      },
      { ttlMs: 1000 },
    );
    const results = await Promise.all(Array.from({ length: 100 }, () => cache.get('k')));
    expect(loads).toBe(1);
    expect(new Set(results)).toEqual(new Set(['value of k']));
    await cache.get('k');
    expect(loads).toBe(1);
  });

  it('reloads after ttlMs, on the injected clock', async () => {
    const clock = createTestClock();
    let loads = 0;
    const cache = cacheAside(memoryKV({ clock }), async () => ++loads, { ttlMs: 1000, clock });
    expect(await cache.get('k')).toBe(1);
    await clock.advance(999);
    expect(await cache.get('k')).toBe(1);
    await clock.advance(1);
    expect(await cache.get('k')).toBe(2);
  });

  it('staleWhileRevalidateMs serves the stale value while one background load refreshes it', async () => {
    const clock = createTestClock();
    let loads = 0;
    let release: (() => void) | undefined;
    const cache = cacheAside(
      memoryKV({ clock }),
      async () => {
        loads++;
        if (loads > 1) await new Promise<void>((r) => (release = r));
        return loads;
      },
      { ttlMs: 1000, staleWhileRevalidateMs: 5000, clock },
    );
    expect(await cache.get('k')).toBe(1);
    await clock.advance(1500); // stale, within the revalidate window
    const stale = await Promise.all(Array.from({ length: 10 }, () => cache.get('k')));
    expect(stale).toEqual(Array(10).fill(1));
    expect(loads).toBe(2); // one background refresh for all ten
    release?.();
    await tick();
    await tick();
    expect(await cache.get('k')).toBe(2);
    await clock.advance(7000); // beyond ttl + swr: a plain miss
    const fresh = cache.get('k');
    await tick();
    release?.();
    expect(await fresh).toBe(3);
  });

  it('a failed background refresh keeps the stale value and is logged', async () => {
    const clock = createTestClock();
    const warnings: object[] = [];
    let fail = false;
    const cache = cacheAside(
      memoryKV({ clock }),
      async () => {
        if (fail) throw new Error('source down');
        return 'v1';
      },
      {
        ttlMs: 100,
        staleWhileRevalidateMs: 1000,
        clock,
        logger: { debug() {}, info() {}, warn: (o) => warnings.push(o), error() {} },
      },
    );
    await cache.get('k');
    fail = true;
    await clock.advance(200);
    expect(await cache.get('k')).toBe('v1');
    await tick();
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0])).toContain('source down');
  });

  it('loader errors reach the caller and are not cached', async () => {
    let calls = 0;
    const cache = cacheAside(
      memoryKV(),
      async () => {
        calls++;
        if (calls === 1) throw new Error('boom');
        return 'ok';
      },
      { ttlMs: 1000 },
    );
    await expect(cache.get('k')).rejects.toThrow('boom');
    expect(await cache.get('k')).toBe('ok');
  });

  it('refresh and invalidate', async () => {
    let n = 0;
    const kv = memoryKV();
    const cache = cacheAside(kv, async () => ++n, { ttlMs: 60_000 });
    expect(await cache.get('k')).toBe(1);
    expect(await cache.refresh('k')).toBe(2);
    expect(await cache.get('k')).toBe(2);
    await cache.invalidate('k');
    expect(await kv.has('k')).toBe(false);
    expect(await cache.get('k')).toBe(3);
  });

  it('an undefined loader result throws NOT_SERIALIZABLE', async () => {
    const cache = cacheAside(memoryKV(), async () => undefined, { ttlMs: 1000 });
    await expect(cache.get('k')).rejects.toMatchObject({ code: 'NOT_SERIALIZABLE' });
  });

  it('refuses bad options with CONFIG', () => {
    expect(() => cacheAside(memoryKV(), async () => 1, { ttlMs: 0 })).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
    expect(() => cacheAside(memoryKV(), async () => 1, { ttlMs: 1, staleWhileRevalidateMs: -1 })).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
    expect(() => cacheAside(undefined as never, async () => 1, { ttlMs: 1 })).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
  });
});
