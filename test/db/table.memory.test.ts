import { describe, expect, it } from 'vitest';
import { memoryTable } from '../../src/db/index.js';
import { type Person, tableContract } from './table-contract.js';

tableContract('memoryTable', async (options) =>
  memoryTable<Person>({ ...options, name: 'people', unique: ['id', 'email'] }),
);

describe('memoryTable', () => {
  it('fills defaults and copies rows in and out', async () => {
    let next = 1;
    const table = memoryTable<{ id: number; tags: string[] }>({ defaults: () => ({ id: next++ }) });
    const input = { tags: ['a'] } as unknown as { id: number; tags: string[] };
    const [row] = await table.insert(input);
    expect(row).toEqual({ id: 1, tags: ['a'] });
    input.tags.push('mutated');
    (row as { tags: string[] }).tags.push('mutated');
    expect(await table.select()).toEqual([{ id: 1, tags: ['a'] }]);
  });

  it('refuses values no database column holds with NOT_SERIALIZABLE, writing nothing', async () => {
    const table = memoryTable<{ id: number; v: unknown }>({ unique: ['id'] });
    await table.insert({ id: 1, v: 'kept' });
    for (const v of [() => 1, Symbol('s')]) {
      for (const write of [
        () =>
          table.insert([
            { id: 2, v: 'fine' },
            { id: 3, v },
          ]),
        () => table.update({ v }, { id: 1 }),
        () => table.upsert({ id: 1, v }, { onConflict: 'id' }),
      ]) {
        const error = await write().catch((e: unknown) => e);
        expect(error).toMatchObject({ name: 'IntegrationError', code: 'NOT_SERIALIZABLE' });
      }
    }
    expect(await table.select()).toEqual([{ id: 1, v: 'kept' }]);
  });

  it('refuses wrong options with CONFIG', () => {
    expect(() => memoryTable(null as never)).toThrow(expect.objectContaining({ code: 'CONFIG' }));
    expect(() => memoryTable({ unique: 5 as never })).toThrow(expect.objectContaining({ code: 'CONFIG' }));
  });

  it('rows with a NULL unique key never collide', async () => {
    const table = memoryTable<{ id: number; code: string | null }>({ unique: ['code'] });
    await table.insert([
      { id: 1, code: null },
      { id: 2, code: null },
    ]);
    expect((await table.select()).length).toBe(2);
  });

  it('refuses a bad unique column name at creation', () => {
    expect(() => memoryTable({ unique: ['a;b'] })).toThrow(expect.objectContaining({ code: 'CONFIG' }));
  });
});
