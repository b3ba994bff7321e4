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
