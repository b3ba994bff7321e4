import { beforeEach, describe, expect, it } from 'vitest';
import type { KeyValue } from '../../src/db/index.js';
import { codeOf } from '../helpers/error-code.js';

/** Builds an empty store for one test. */
export type MakeKV = () => Promise<KeyValue>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The KeyValue contract: every driver must pass it unchanged. */
export function kvContract(label: string, make: MakeKV): void {
  describe(`KeyValue contract: ${label}`, () => {
    let kv: KeyValue;
    beforeEach(async () => {
      kv = await make();
    });

    it('round-trips JSON values and reads missing keys as undefined', async () => {
      const values: unknown[] = [
        { a: 1, b: [true, null, 'x'] },
        [1, 2],
        'text',
        0,
        -1.5,
        false,
        null,
        { nested: { ü: '🦄' } },
      ];
      for (const [i, value] of values.entries()) {
        await kv.set(`v${i}`, value);
        expect(await kv.get(`v${i}`)).toEqual(value);
      }
      expect(await kv.get('missing')).toBeUndefined();
      await kv.set('v0', 'overwritten');
      expect(await kv.get('v0')).toBe('overwritten');
    });

    it('returns copies, not references', async () => {
      const value = { list: [1] };
      await kv.set('copy', value);
      value.list.push(2);
      const read = await kv.get<{ list: number[] }>('copy');
      expect(read).toEqual({ list: [1] });
      read?.list.push(3);
      expect(await kv.get('copy')).toEqual({ list: [1] });
    });

    it('delete and has', async () => {
      await kv.set('a', 1);
      expect(await kv.has('a')).toBe(true);
      expect(await kv.delete('a')).toBe(true);
      expect(await kv.delete('a')).toBe(false);
      expect(await kv.has('a')).toBe(false);
      expect(await kv.get('a')).toBeUndefined();
    });

    it('keys(prefix) lists live keys, sorted, with special characters intact', async () => {
      const keys = [
        'user:2',
        'user:1',
        'user*',
        'user?x',
        'user[1]',
        'users',
        'org:1',
        '../../etc/passwd',
        'a/b\\c',
        'ü 🦄',
        'UPPER',
        'upper',
      ];
      for (const key of keys) await kv.set(key, key);
      expect(await kv.keys()).toEqual([...keys].sort());
      expect(await kv.keys('user:')).toEqual(['user:1', 'user:2']);
      expect(await kv.keys('user*')).toEqual(['user*']);
      expect(await kv.keys('user[')).toEqual(['user[1]']);
      expect(await kv.keys('nothing')).toEqual([]);
      for (const key of keys) expect(await kv.get(key)).toBe(key);
    });

    it('getMany and setMany keep order and report missing keys', async () => {
      await kv.setMany([
        ['m1', { n: 1 }],
        ['m2', [2]],
        ['m3', 'three'],
      ]);
      expect(await kv.getMany(['m3', 'nope', 'm1', 'm2'])).toEqual(['three', undefined, { n: 1 }, [2]]);
      expect(await kv.getMany([])).toEqual([]);
      await kv.setMany([]);
    });

    it('expires values after ttlMs', async () => {
      await kv.set('short', 'x', { ttlMs: 300 });
      await kv.setMany([['short2', 'y']], { ttlMs: 300 });
      await kv.set('long', 'z', { ttlMs: 60_000 });
      expect(await kv.get('short')).toBe('x');
      expect(await kv.has('short2')).toBe(true);
      await sleep(450);
      expect(await kv.get('short')).toBeUndefined();
      expect(await kv.has('short2')).toBe(false);
      expect(await kv.keys()).toEqual(['long']);
      expect(await kv.get('long')).toBe('z');
    });

    it('a non-serialisable value throws NOT_SERIALIZABLE before anything is written', async () => {
      const cycle: Record<string, unknown> = {};
      cycle.self = cycle;
      await kv.set('keep', 'old');
      for (const bad of [cycle, 10n, () => 1, undefined, Symbol('s')]) {
        expect(await codeOf(kv.set('keep', bad))).toBe('NOT_SERIALIZABLE');
      }
      expect(
        await codeOf(
          kv.setMany([
            ['fresh', 1],
            ['keep', cycle],
          ]),
        ),
      ).toBe('NOT_SERIALIZABLE');
      expect(await kv.get('keep')).toBe('old');
      expect(await kv.has('fresh')).toBe(false);
    });

    it('refuses bad keys and TTLs', async () => {
      expect(await codeOf(kv.set('', 1))).toBe('VALIDATION');
      expect(await codeOf(kv.get(42 as never))).toBe('VALIDATION');
      expect(await codeOf(kv.set('k'.repeat(1025), 1))).toBe('VALIDATION');
      for (const ttlMs of [0, -1, 1.5, Number.NaN]) expect(await codeOf(kv.set('k', 1, { ttlMs }))).toBe('CONFIG');
      expect(await codeOf(kv.getMany(5 as never))).toBe('VALIDATION');
      expect(await codeOf(kv.getMany(['ok', ''] as never))).toBe('VALIDATION');
      expect(await kv.has('k')).toBe(false);
    });

    it('handles concurrent writes to many keys', async () => {
      await Promise.all(Array.from({ length: 50 }, (_, i) => kv.set(`c${String(i).padStart(2, '0')}`, i)));
      expect((await kv.keys('c')).length).toBe(50);
      expect(await kv.getMany(['c00', 'c49'])).toEqual([0, 49]);
    });
  });
}
