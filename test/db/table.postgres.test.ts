import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBus } from '../../src/bus/index.js';
import { type EventRow, recordEvents } from '../../src/db/index.js';
import { postgresTable } from '../../src/db/postgres/index.js';
import { isStorageError, type Policy } from '../../src/index.js';
import { describeWithService, services, uniquePrefix } from '../helpers/services.js';
import { type Person, tableContract } from './table-contract.js';

const schema = uniquePrefix('db_table');
const sql = postgres(services.postgres.url, { max: 2, onnotice: () => {} });

await describeWithService('postgres', 'postgresTable', () => {
  beforeAll(async () => {
    await sql`create schema ${sql(schema)}`;
    await sql`create table ${sql(`${schema}.people`)} (
      id int primary key, name text not null, age int, email text not null unique, team text)`;
    await sql`create table ${sql(`${schema}.events`)} (
      id text primary key, type text not null, source text not null, time timestamptz not null, subject text, data jsonb)`;
    await sql`create table ${sql(`${schema}.defaults`)} (
      id serial primary key, label text not null default 'none', created_at timestamptz not null default now())`;
  });
  afterAll(async () => {
    await sql`drop schema if exists ${sql(schema)} cascade`;
    await sql.end({ timeout: 5 });
  });

  tableContract('postgresTable', async (options) => {
    await sql`truncate ${sql(`${schema}.people`)}`;
    return postgresTable<Person>(sql, `${schema}.people`, options);
  });

  describe('postgresTable specifics', () => {
    it('keeps database defaults for columns a row leaves out, across mixed rows', async () => {
      const table = postgresTable<{ id?: number; label?: string; created_at?: Date }>(sql, `${schema}.defaults`);
      const rows = await table.insert([{ label: 'a' }, {}, { label: 'c' }, {}]);
      expect(rows.map((r) => r.label)).toEqual(['a', 'none', 'c', 'none']);
      expect(rows.every((r) => r.created_at instanceof Date && typeof r.id === 'number')).toBe(true);
    });

    it('recordEvents appends bus envelopes to a PostgreSQL table (jsonb data)', async () => {
      const bus = createBus<{ 'order.paid': { id: string; total: number } }>({ source: 'shop' });
      const events = postgresTable<EventRow>(sql, `${schema}.events`);
      const stop = recordEvents(bus, events, { types: ['order.paid'] });
      const envelope = await bus.publish('order.paid', { id: "o'1", total: 42 });
      stop();
      const [row] = await events.select({ where: { id: envelope.id } });
      expect(row).toMatchObject({ type: 'order.paid', source: 'shop', subject: null, data: { id: "o'1", total: 42 } });
      expect(new Date(row?.time as unknown as Date).toISOString()).toBe(envelope.time);
    });

    it('updates jsonb and timestamptz columns with bound values', async () => {
      const events = postgresTable<EventRow>(sql, `${schema}.events`);
      const time = '2026-01-02T03:04:05.678Z';
      await events.insert({ id: 'upd-1', type: 't', source: 's', time, subject: null, data: { n: 1 } });
      const data = { n: 2, quote: "'; drop table x; --", nested: [1, { a: null }] };
      const later = new Date('2026-02-03T04:05:06.789Z');
      const [updated] = await events.update({ data, time: later as never, subject: 'x' }, { id: 'upd-1' });
      expect(updated?.data).toEqual(data);
      expect(new Date(updated?.time as unknown as Date).toISOString()).toBe(later.toISOString());
      const [row] = await events.select({ where: { id: 'upd-1' } });
      expect(row).toMatchObject({ data, subject: 'x' });
    });

    it('maps camelCase columns through the client transform on update', async () => {
      const camel = postgres(services.postgres.url, { max: 1, onnotice: () => {}, transform: postgres.camel });
      try {
        const table = postgresTable<{ id?: number; label?: string; createdAt?: Date }>(camel, `${schema}.defaults`);
        const [row] = await table.insert({ label: 'before' });
        const at = new Date('2030-01-01T00:00:00.000Z');
        const [updated] = await table.update({ label: 'after', createdAt: at }, { id: row?.id as number });
        expect(updated).toEqual({ id: row?.id, label: 'after', createdAt: at });
      } finally {
        await camel.end({ timeout: 5 });
      }
    });

    it('the injection payload leaves the table intact', async () => {
      const table = postgresTable<Person>(sql, `${schema}.people`);
      await table.insert({ id: 900, name: "x'); DROP TABLE people; --", age: 1, email: 'inj@x', team: null });
      const [found] = await sql`select to_regclass(${`${schema}.people`}) is not null as exists`;
      expect(found?.exists).toBe(true);
      expect(await table.delete({ id: 900 })).toBe(1);
    });

    it('refuses unsafe table names', () => {
      for (const bad of ['people; drop table x', 'a"b', 'a.b.c', "o'x", '']) {
        expect(() => postgresTable(sql, bad)).toThrow(expect.objectContaining({ code: 'CONFIG' }));
      }
    });

    it('maps a missing table to StorageError with the PostgreSQL code kept', async () => {
      const error = await postgresTable(sql, `${schema}.missing`)
        .select()
        .catch((e: unknown) => e);
      expect(isStorageError(error)).toBe(true);
      expect((error as { details: Record<string, unknown> }).details).toMatchObject({ code: '42P01', op: 'select' });
    });

    it('maps invalid input syntax (22P02) and NOT NULL (23502) to ValidationError with details', async () => {
      const table = postgresTable<Person>(sql, `${schema}.people`);
      const bad = await table.select({ where: { id: 'abc' as never } }).catch((e: unknown) => e);
      expect(bad).toMatchObject({ name: 'ValidationError', details: { code: '22P02' } });
      const missing = await table.insert({ id: 901, age: 1, team: null } as never).catch((e: unknown) => e);
      expect(missing).toMatchObject({ name: 'ValidationError', details: { code: '23502' } });
    });

    it('a conflict keeps code, details and constraint', async () => {
      const table = postgresTable<Person>(sql, `${schema}.people`);
      await table.insert({ id: 902, name: 'a', age: 1, email: 'same@x', team: null });
      const error = await table.insert({ id: 903, name: 'b', age: 1, email: 'same@x', team: null }).catch((e) => e);
      expect(error).toMatchObject({ name: 'ConflictError', code: 'CONFLICT', details: { code: '23505' } });
      expect(String((error as { details: { details: string } }).details.details)).toContain('same@x');
      await table.delete({ id: { in: [902, 903] } });
    });

    it('never echoes the connection password in errors', async () => {
      const canary = 'canary-secret-91bd';
      const bad = postgres({ host: '127.0.0.1', port: 1, password: canary, connect_timeout: 2, max: 1 });
      const error = await postgresTable(bad, 'people')
        .select()
        .catch((e: Error & { toJSON(): unknown }) => e);
      expect(isStorageError(error)).toBe(true);
      const e = error as Error & { toJSON(): unknown; retryable: boolean };
      expect(e.retryable).toBe(true);
      expect(`${e.message} ${JSON.stringify(e.toJSON())}`).not.toContain(canary);
      await bad.end({ timeout: 1 });
    });

    it('runs every operation through the policy, marking inserts non-idempotent', async () => {
      const seen: Array<[boolean | undefined, string]> = [];
      const policy: Policy = {
        async execute(fn, opts) {
          try {
            return await fn({ signal: new AbortController().signal, attempt: 1 });
          } catch (error) {
            seen.push([(opts as { idempotent?: boolean })?.idempotent, (error as { code: string }).code]);
            throw error;
          }
        },
      };
      const table = postgresTable<Person>(sql, `${schema}.people`, { policy });
      await table.insert({ id: 905, name: 'p', age: 1, email: 'p@x', team: null });
      await expect(table.insert({ id: 905, name: 'p', age: 1, email: 'p@x', team: null })).rejects.toMatchObject({
        code: 'CONFLICT',
      });
      await expect(table.select({ where: { id: 'x' as never } })).rejects.toMatchObject({ code: 'VALIDATION' });
      expect(seen).toEqual([
        [false, 'CONFLICT'],
        [true, 'VALIDATION'],
      ]);
      await table.delete({ id: 905 });
    });

    it('works inside a caller transaction', async () => {
      await sql
        .begin(async (tx) => {
          const table = postgresTable<Person>(tx as never, `${schema}.people`);
          await table.insert({ id: 904, name: 'tx', age: 1, email: 'tx@x', team: null });
          expect((await table.select({ where: { id: 904 } })).length).toBe(1);
          throw new Error('roll back');
        })
        .catch(() => {});
      expect(await postgresTable<Person>(sql, `${schema}.people`).select({ where: { id: 904 } })).toEqual([]);
    });
  });
});
