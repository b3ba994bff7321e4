import { createClient } from '@supabase/supabase-js';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ws from 'ws';
import { quoteListValue, supabaseTable } from '../../src/db/supabase/index.js';
import { isConflictError, isNotFoundError, isStorageError, isValidationError } from '../../src/index.js';
import { constant, retry } from '../../src/policies/index.js';
import { type MockTable, parseList, postgrestHandlers } from './postgrest-mock.js';
import { type Person, tableContract } from './table-contract.js';

const BASE = 'http://supabase.test';
const tables = new Map<string, MockTable>();
const requests: Request[] = [];
const server = setupServer(...postgrestHandlers(BASE, tables));
server.events.on('request:start', ({ request }) => {
  requests.push(request.clone());
});
// supabase-js 2.10x needs a WebSocket implementation for its realtime client on Node 20.
const KEY = 'canary-anon-key-55e1';
const client = createClient(BASE, KEY, {
  auth: { persistSession: false, autoRefreshToken: false },
  realtime: { transport: ws as never },
});

const peopleTable = (): MockTable => ({
  columns: { id: 'int', name: 'text', age: 'int', email: 'text', team: 'text' },
  notNull: ['id', 'name', 'email'],
  unique: [['id'], ['email']],
  rows: [],
});

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

tableContract('supabaseTable (supabase-js against a PostgREST mock)', async (options) => {
  tables.set('public.people', peopleTable());
  return supabaseTable<Person>(client, 'people', options);
});

describe('supabaseTable specifics', () => {
  it('sends Prefer: return=representation and missing=default on writes', async () => {
    tables.set('public.people', peopleTable());
    requests.length = 0;
    await supabaseTable<Person>(client, 'people').insert({ id: 1, name: 'a', age: null, email: 'a@x', team: null });
    const post = requests.find((r) => r.method === 'POST');
    expect(post?.headers.get('Prefer')).toContain('return=representation');
    expect(post?.headers.get('Prefer')).toContain('missing=default');
  });

  it('quotes and escapes in-list values as PostgREST documents', () => {
    const values = ['a,b', 'c"d', 'e\\f', '(g)', 'plain'];
    const text = `(${values.map(quoteListValue).join(',')})`;
    expect(text).toBe('("a,b","c\\"d","e\\\\f","(g)","plain")');
    expect(parseList(text)).toEqual(values);
  });

  it('uses the schema of a qualified name through Accept-Profile / Content-Profile', async () => {
    tables.set('analytics.people', peopleTable());
    requests.length = 0;
    const table = supabaseTable<Person>(client, 'analytics.people');
    await table.insert({ id: 1, name: 'a', age: null, email: 'a@x', team: null });
    expect(await table.select()).toHaveLength(1);
    expect(requests.map((r) => r.headers.get('Content-Profile') ?? r.headers.get('Accept-Profile'))).toEqual([
      'analytics',
      'analytics',
    ]);
  });

  it('maps PostgREST error bodies, keeping code, details and hint', async () => {
    tables.set('public.people', peopleTable());
    const table = supabaseTable<Person>(client, 'people');
    await table.insert({ id: 1, name: 'a', age: null, email: 'a@x', team: null });
    const conflict = await table.insert({ id: 2, name: 'b', age: null, email: 'a@x', team: null }).catch((e) => e);
    expect(isConflictError(conflict)).toBe(true);
    expect(conflict.details).toMatchObject({
      code: '23505',
      details: 'Key (email)=(a@x) already exists.',
      status: 409,
    });
    const badType = await table.select({ where: { id: 'abc' as never } }).catch((e) => e);
    expect(isValidationError(badType)).toBe(true);
    expect(badType.details.code).toBe('22P02');
    const notNull = await table.insert({ id: 3, age: 1 } as never).catch((e) => e);
    expect(isValidationError(notNull)).toBe(true);
    expect(notNull.details.code).toBe('23502');
    const missing = await supabaseTable(client, 'nope')
      .select()
      .catch((e) => e);
    expect(isStorageError(missing)).toBe(true);
    expect(missing.details).toMatchObject({ code: 'PGRST205', status: 404 });
  });

  it('PGRST116 (single object, no row) maps to NotFoundError', async () => {
    const { dbError } = await import('../../src/db/db-errors.js');
    tables.set('public.people', peopleTable());
    const { error, status } = await client.from('people').select().eq('id', 42).single();
    const mapped = dbError(error, 'select', 'people', status);
    expect(isNotFoundError(mapped)).toBe(true);
    expect(mapped.details).toMatchObject({ code: 'PGRST116', status: 406 });
  });

  it('a network failure is a retryable StorageError; a 503 too', async () => {
    tables.set('public.people', peopleTable());
    // postgrest-js retries idempotent reads itself (with backoff); writes surface at once.
    const row = { id: 1, name: 'a', age: null, email: 'a@x', team: null };
    server.use(http.post(`${BASE}/rest/v1/people`, () => HttpResponse.error()));
    const network = await supabaseTable<Person>(client, 'people')
      .insert(row)
      .catch((e) => e);
    expect(isStorageError(network)).toBe(true);
    expect(network.retryable).toBe(true);
    expect(`${network.message} ${JSON.stringify(network.toJSON())}`).not.toContain(KEY);
    server.use(
      http.post(`${BASE}/rest/v1/people`, () =>
        HttpResponse.json({ code: 'PGRST000', details: null, hint: null, message: 'db down' }, { status: 503 }),
      ),
    );
    const down = await supabaseTable<Person>(client, 'people')
      .insert(row)
      .catch((e) => e);
    expect(down).toMatchObject({ name: 'StorageError', retryable: true });
    server.resetHandlers();
  });

  it('a retry policy retries idempotent writes (upsert) but never an insert', async () => {
    tables.set('public.people', peopleTable());
    const table = supabaseTable<Person>(client, 'people', { policy: retry({ maxAttempts: 3, backoff: constant(0) }) });
    const row = { id: 1, name: 'a', age: null, email: 'a@x', team: null };
    const unavailable = () =>
      HttpResponse.json(
        { code: 'PGRST002', details: null, hint: null, message: 'schema cache not ready' },
        { status: 503 },
      );
    server.use(http.post(`${BASE}/rest/v1/people`, unavailable, { once: true }));
    expect(await table.upsert(row, { onConflict: 'id' })).toEqual([row]);
    server.use(http.post(`${BASE}/rest/v1/people`, unavailable, { once: true }));
    await expect(table.insert({ ...row, id: 2, email: 'b@x' })).rejects.toMatchObject({
      name: 'StorageError',
      retryable: true,
    });
    expect(await table.select({ orderBy: 'id' })).toEqual([row]);
  });

  it('never sends a request for refused input', async () => {
    tables.set('public.people', peopleTable());
    requests.length = 0;
    const table = supabaseTable<Person>(client, 'people');
    await expect(table.delete({})).rejects.toMatchObject({ code: 'UNSAFE_OPERATION' });
    await expect(table.select({ where: { 'id;drop': 1 } as never })).rejects.toMatchObject({ code: 'CONFIG' });
    expect(requests).toEqual([]);
  });
});
