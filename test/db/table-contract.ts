import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Table, TableOptions } from '../../src/db/index.js';
import { isConflictError, isValidationError } from '../../src/index.js';
import { codeOf } from '../helpers/error-code.js';

/** The row every Table driver is tested with (see the SQL in table.postgres.test.ts). */
export interface Person extends Record<string, unknown> {
  id: number;
  name: string;
  age: number | null;
  email: string;
  team: string | null;
}

/** Builds an empty `people` table (unique `id` and `email`) for one test. */
export type MakeTable = (options?: TableOptions<Person>) => Promise<Table<Person>>;

const people: Person[] = [
  { id: 1, name: 'Ada', age: 36, email: 'ada@example.com', team: 'core' },
  { id: 2, name: 'Grace', age: 45, email: 'grace@example.com', team: 'core' },
  { id: 3, name: 'Linus', age: 21, email: 'linus@example.com', team: 'kernel' },
  { id: 4, name: 'Margaret', age: null, email: 'margaret@example.com', team: null },
  { id: 5, name: 'Alan_100%', age: 41, email: 'alan@example.com', team: 'crypto' },
];

const ids = (rows: Array<{ id: number }>) => rows.map((r) => r.id).sort((a, b) => a - b);

/** The Table contract: every driver must pass it unchanged. */
export function tableContract(label: string, make: MakeTable): void {
  describe(`Table contract: ${label}`, () => {
    let table: Table<Person>;
    beforeEach(async () => {
      table = await make();
    });
    const seed = () => table.insert(people);

    it('insert resolves to the stored rows; insert([]) is a no-op', async () => {
      const rows = await seed();
      expect(ids(rows)).toEqual([1, 2, 3, 4, 5]);
      expect(rows.find((r) => r.id === 4)).toEqual(people[3]);
      expect(await table.insert([])).toEqual([]);
      expect(await table.select({ orderBy: 'id' })).toEqual(people);
    });

    it('insert accepts a single row', async () => {
      const [row] = await table.insert(people[0] as Person);
      expect(row).toEqual(people[0]);
    });

    it('filters by equality, comparison, in, like and null', async () => {
      await seed();
      expect(ids(await table.select({ where: { team: 'core' } }))).toEqual([1, 2]);
      expect(ids(await table.select({ where: { age: { gt: 36 } } }))).toEqual([2, 5]);
      expect(ids(await table.select({ where: { age: { gte: 36, lt: 45 } } }))).toEqual([1, 5]);
      expect(ids(await table.select({ where: { age: { lte: 21 } } }))).toEqual([3]);
      expect(ids(await table.select({ where: { id: { in: [2, 4, 99] } } }))).toEqual([2, 4]);
      expect(ids(await table.select({ where: { id: { in: [] } } }))).toEqual([]);
      expect(ids(await table.select({ where: { name: { like: 'A%' } } }))).toEqual([1, 5]);
      expect(ids(await table.select({ where: { name: { like: '_inus' } } }))).toEqual([3]);
      expect(ids(await table.select({ where: { name: { like: '%\\_100\\%' } } }))).toEqual([5]);
      expect(ids(await table.select({ where: { team: null } }))).toEqual([4]);
      expect(ids(await table.select({ where: { age: { is: null } } }))).toEqual([4]);
      expect(ids(await table.select({ where: { team: 'core', age: { gt: 40 } } }))).toEqual([2]);
      expect(ids(await table.select({ where: { team: undefined } }))).toEqual([1, 2, 3, 4, 5]);
    });

    it('projects columns, orders, limits and offsets', async () => {
      await seed();
      expect(await table.select({ columns: ['id', 'name'], where: { id: 1 } })).toEqual([{ id: 1, name: 'Ada' }]);
      const page = await table.select({ orderBy: { column: 'id', direction: 'desc' }, limit: 2, offset: 1 });
      expect(page.map((r) => r.id)).toEqual([4, 3]);
      const byTeam = await table.select({ orderBy: ['team', { column: 'age', direction: 'desc' }], columns: ['id'] });
      expect(byTeam.map((r) => r.id)).toEqual([2, 1, 5, 3, 4]);
      expect((await table.select({ orderBy: 'id', offset: 3 })).map((r) => r.id)).toEqual([4, 5]);
      expect(await table.select({ limit: 0 })).toEqual([]);
    });

    it('update resolves to the updated rows', async () => {
      await seed();
      const updated = await table.update({ team: 'ops', age: 50 }, { team: 'core' });
      expect(ids(updated)).toEqual([1, 2]);
      expect(updated.every((r) => r.team === 'ops' && r.age === 50)).toBe(true);
      expect(await table.update({ team: 'x' }, { id: 999 })).toEqual([]);
      expect(ids(await table.select({ where: { team: 'ops' } }))).toEqual([1, 2]);
    });

    it('update/delete with an empty where throw UNSAFE_OPERATION and change nothing', async () => {
      await seed();
      expect(await codeOf(table.update({ team: 'gone' }, {}))).toBe('UNSAFE_OPERATION');
      expect(await codeOf(table.update({ team: 'gone' }, { team: undefined }))).toBe('UNSAFE_OPERATION');
      expect(await codeOf(table.delete({}))).toBe('UNSAFE_OPERATION');
      expect(await codeOf(table.delete(undefined as never))).toBe('UNSAFE_OPERATION');
      expect(await table.select({ orderBy: 'id' })).toEqual(people);
      expect((await table.update({ team: 'all' }, {}, { all: true })).length).toBe(5);
      expect(await table.delete({}, { all: true })).toBe(5);
      expect(await table.select()).toEqual([]);
    });

    it('delete resolves to the number of deleted rows', async () => {
      await seed();
      expect(await table.delete({ age: { lt: 40 } })).toBe(2);
      expect(await table.delete({ id: 1 })).toBe(0);
      expect(ids(await table.select())).toEqual([2, 4, 5]);
    });

    it('upsert inserts new rows and updates conflicting ones', async () => {
      await seed();
      const rows = await table.upsert(
        [
          { id: 1, name: 'Ada Lovelace', age: 37, email: 'ada@example.com', team: 'core' },
          { id: 6, name: 'Barbara', age: 30, email: 'barbara@example.com', team: 'lang' },
        ],
        { onConflict: 'id' },
      );
      expect(ids(rows)).toEqual([1, 6]);
      expect((await table.select({ where: { id: 1 } }))[0]?.name).toBe('Ada Lovelace');
      expect(ids(await table.select())).toEqual([1, 2, 3, 4, 5, 6]);
      const ignored = await table.upsert(
        { id: 2, name: 'Ignored', age: 1, email: 'grace@example.com', team: null },
        {
          onConflict: ['id'],
          ignoreDuplicates: true,
        },
      );
      expect(ignored).toEqual([]);
      expect((await table.select({ where: { id: 2 } }))[0]?.name).toBe('Grace');
    });

    it('a unique violation throws ConflictError and writes nothing of the batch', async () => {
      await seed();
      const error = await table
        .insert([
          { id: 10, name: 'New', age: 1, email: 'new@example.com', team: null },
          { id: 11, name: 'Dup', age: 1, email: 'ada@example.com', team: null },
        ])
        .catch((e: unknown) => e);
      expect(isConflictError(error)).toBe(true);
      expect((error as { code: string }).code).toBe('CONFLICT');
      expect(await table.select({ where: { id: { in: [10, 11] } } })).toEqual([]);
      const onUpdate = await table.update({ email: 'grace@example.com' }, { id: 1 }).catch((e: unknown) => e);
      expect(isConflictError(onUpdate)).toBe(true);
      expect((await table.select({ where: { id: 1 } }))[0]?.email).toBe('ada@example.com');
    });

    it('values that look like SQL or PostgREST syntax round-trip as data', async () => {
      const nasty = [
        "'; DROP TABLE people; --",
        'Robert"); DROP TABLE students;--',
        'a,b.c(d)"e"\\f',
        'eq.1',
        'in.(1,2)',
        '100% _real_',
        '🦄 ünïcödé',
      ];
      const rows = nasty.map((name, i) => ({ id: 100 + i, name, age: i, email: `${name}@x`, team: name }));
      await table.insert(rows);
      for (const row of rows) {
        expect(await table.select({ where: { name: row.name } })).toEqual([row]);
        expect(await table.select({ where: { team: { in: [row.team, 'other'] } } })).toEqual([row]);
      }
      expect(ids(await table.select({ where: { email: { in: rows.map((r) => r.email) } } }))).toEqual(
        rows.map((r) => r.id),
      );
      await table.update({ team: nasty[0] as string }, { name: nasty[1] as string });
      expect((await table.select({ where: { id: 101 } }))[0]?.team).toBe(nasty[0]);
      expect(await table.delete({ name: nasty[0] as string })).toBe(1);
      expect((await table.select()).length).toBe(nasty.length - 1);
    });

    it('arbitrary strings round-trip as data through insert, eq, in and update (property)', async () => {
      let id = 1000;
      // PostgreSQL text cannot hold NUL, so it is the one character left out.
      const text = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((v) => !v.includes('\0'));
      await fc.assert(
        fc.asyncProperty(text, text, async (name, team) => {
          const row = { id: ++id, name, age: null, email: `${id}@x`, team };
          await table.insert(row);
          expect(await table.select({ where: { id: row.id, name } })).toEqual([row]);
          expect(await table.select({ where: { id: row.id, team: { in: [team, `${team}x`] } } })).toEqual([row]);
          expect(await table.update({ name: team }, { id: row.id, name })).toEqual([{ ...row, name: team }]);
        }),
        { numRuns: 40 },
      );
    });

    it('refuses unsafe identifiers with CONFIG and writes nothing', async () => {
      await seed();
      const bad = ['name"; DROP TABLE people; --', 'a b', 'x;y', "o'brien", '1abc', ''];
      for (const column of bad) {
        expect(await codeOf(table.select({ where: { [column]: 1 } as never }))).toBe('CONFIG');
        expect(await codeOf(table.select({ columns: [column as 'id'] }))).toBe('CONFIG');
        expect(await codeOf(table.select({ orderBy: column as 'id' }))).toBe('CONFIG');
        expect(await codeOf(table.insert({ ...people[0], id: 50, email: 'z@z', [column]: 1 } as Person))).toBe(
          'CONFIG',
        );
        expect(await codeOf(table.update({ [column]: 1 } as never, { id: 1 }))).toBe('CONFIG');
      }
      for (const options of [null, {}, { onConflict: [] }]) {
        const error = await table.upsert(people[0] as Person, options as never).catch((e: unknown) => e);
        expect(error).toMatchObject({
          code: 'CONFIG',
          message: 'upsert needs onConflict: the column(s) of a unique key',
        });
      }
      expect(await table.select({ orderBy: 'id' })).toEqual(people);
    });

    it('refuses malformed filters with ValidationError', async () => {
      const bad = [
        { age: { between: 1 } },
        { id: { in: 3 } },
        { name: { like: 3 } },
        { age: { is: 3 } },
        { id: [1, 2] },
        { age: { gt: null } },
      ];
      for (const where of bad) {
        const error = await table.select({ where: where as never }).catch((e: unknown) => e);
        expect(isValidationError(error), JSON.stringify(where)).toBe(true);
      }
      expect(await codeOf(table.select({ limit: -1 }))).toBe('VALIDATION');
      expect(await codeOf(table.select(null as never))).toBe('CONFIG');
    });

    it('validates rows written and read with the optional schema', async () => {
      const schema = z.object({
        id: z.number().int(),
        name: z.string().min(1),
        age: z.number().nullable(),
        email: z.string().includes('@'),
        team: z.string().nullable(),
      });
      const strict = await make({ schema });
      const error = await strict
        .insert({ id: 1, name: '', age: 1, email: 'nobody', team: null })
        .catch((e: unknown) => e);
      expect(isValidationError(error)).toBe(true);
      expect(await strict.select()).toEqual([]);
      await strict.insert(people[0] as Person);
      expect(await strict.select()).toEqual([people[0]]);
      const badUpdate = await strict.update({ name: '' }, { id: 1 }).catch((e: unknown) => e);
      expect(isValidationError(badUpdate)).toBe(true);
      expect(await strict.select()).toEqual([people[0]]);
      expect(await strict.update({ name: 'Ada L.' }, { id: 1 })).toEqual([{ ...people[0], name: 'Ada L.' }]);
    });
  });
}
