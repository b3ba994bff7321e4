import { describe, expect, it } from 'vitest';
import { memoryTable } from '../../src/db/index.js';

describe('memoryTable concurrent writes', () => {
  it('an insert that lands while an update is running is kept', async () => {
    const table = memoryTable<{ id: number; n: number }>();
    await table.insert([{ id: 1, n: 0 }]);
    await Promise.all([table.insert({ id: 2, n: 0 }), table.update({ n: 1 }, { id: 1 })]);
    expect(await table.select({ orderBy: 'id' })).toEqual([
      { id: 1, n: 1 },
      { id: 2, n: 0 },
    ]);
  });

  it('two concurrent updates of different rows both stick', async () => {
    const table = memoryTable<{ id: number; n: number }>();
    await table.insert([
      { id: 1, n: 0 },
      { id: 2, n: 0 },
    ]);
    await Promise.all([table.update({ n: 1 }, { id: 1 }), table.update({ n: 2 }, { id: 2 })]);
    expect(await table.select({ orderBy: 'id' })).toEqual([
      { id: 1, n: 1 },
      { id: 2, n: 2 },
    ]);
  });
});
