import { describe, expect, it } from 'vitest';
import { memoryKV } from '../../src/db/index.js';
import { createTestClock } from '../../src/testing/index.js';
import { kvContract } from './kv-contract.js';

kvContract('memoryKV', async () => memoryKV());

describe('memoryKV', () => {
  it('evicts the least recently used entry beyond max', async () => {
    const kv = memoryKV({ max: 2 });
    await kv.set('a', 1);
    await kv.set('b', 2);
    await kv.get('a'); // a is now the most recent
    await kv.set('c', 3);
    expect(await kv.keys()).toEqual(['a', 'c']);
  });

  it('reads TTLs from the injected clock', async () => {
    const clock = createTestClock();
    const kv = memoryKV({ clock });
    await kv.set('k', 1, { ttlMs: 1000 });
    await clock.advance(999);
    expect(await kv.get('k')).toBe(1);
    await clock.advance(1);
    expect(await kv.get('k')).toBeUndefined();
  });

  it('refuses options that are not an object, and a clock without now(), with CONFIG', () => {
    expect(() => memoryKV(null as never)).toThrow(expect.objectContaining({ code: 'CONFIG' }));
    expect(() => memoryKV({ clock: 5 as never })).toThrow(expect.objectContaining({ code: 'CONFIG' }));
  });

  it('refuses a bad max', () => {
    for (const max of [0, -1, 1.5])
      expect(() => memoryKV({ max })).toThrow(expect.objectContaining({ code: 'CONFIG' }));
  });
});
