import { configError } from '../../internal/config.js';
import { dbError } from '../db-errors.js';
import { assertTableName } from '../identifier.js';
import { type DriverOptions, withPolicy } from '../policy.js';
import { checkRows, conflictTarget, normalizePatch, normalizeRows } from '../rows.js';
import type { AnyRow, SelectOptions, Table, TableOptions, UpsertOptions, Where } from '../types.js';
import { type Condition, mutationWhere, normalizeSelect } from '../where.js';
import { applyFilters, applyOrder, type FilterBuilder } from './filters.js';

/** The part of a supabase-js client this driver uses (`createClient(...)` fits). */
export interface SupabaseLike {
  /** A query builder for `table` (PostgREST). */
  from(table: string): unknown;
  /** The client for another schema than `public`. */
  schema?(schema: string): {
    /** A query builder for `table` in that schema. */
    from(table: string): unknown;
  };
}

/** Options of {@link supabaseTable}. */
export interface SupabaseTableOptions<Row extends AnyRow> extends TableOptions<Row>, DriverOptions {}

interface PostgrestResult {
  data: unknown;
  error: { code?: string; message?: string; details?: string | null; hint?: string | null } | null;
  count?: number | null;
  status?: number;
}
type Builder = FilterBuilder & PromiseLike<PostgrestResult>;
interface QueryBuilder {
  select(columns?: string, options?: { count?: 'exact' }): Builder;
  insert(rows: unknown, options?: { defaultToNull?: boolean }): Builder;
  upsert(
    rows: unknown,
    options?: { onConflict?: string; ignoreDuplicates?: boolean; defaultToNull?: boolean },
  ): Builder;
  update(patch: unknown): Builder;
  delete(options?: { count?: 'exact' }): Builder;
}

// Beyond any real table: PostgREST needs a limit to express "offset without limit".
const NO_LIMIT = 1e15;

/**
 * A {@link Table} over Supabase through a caller's supabase-js client (PostgREST): writes
 * ask for `Prefer: return=representation`, missing columns keep their defaults, `in` lists
 * are quoted and escaped. PostgREST/PostgreSQL errors map to `ConflictError` (23505),
 * `NotFoundError` (PGRST116), `ValidationError` (22P02, 23502, ...) and `StorageError`
 * (others; `retryable` on network faults and 503), keeping `code`, `details` and `hint` in
 * `error.details`. `name` may be `schema.table` (uses `client.schema()`). PostgREST also
 * reads `*` in a `like` pattern as `%`.
 *
 * @example
 * ```ts
 * import { createClient } from '@supabase/supabase-js';
 * import { supabaseTable } from '@wawagot/integrations/db/supabase';
 * const supabase = createClient(url, key);
 * const users = supabaseTable<{ id: number; email: string }>(supabase, 'users');
 * await users.upsert({ id: 1, email: 'ada@example.com' }, { onConflict: 'id' });
 * ```
 */
export function supabaseTable<Row extends AnyRow>(
  client: SupabaseLike,
  name: string,
  options: SupabaseTableOptions<Row> = {},
): Table<Row> {
  if (!client || typeof client.from !== 'function') configError('supabaseTable needs a supabase-js client');
  assertTableName(name);
  const [schemaName, tableName] = name.includes('.') ? (name.split('.') as [string, string]) : [undefined, name];
  if (schemaName !== undefined && typeof client.schema !== 'function')
    configError('this client cannot select a schema');
  const { schema } = options;
  const from = (): QueryBuilder =>
    (schemaName === undefined ? client.from(tableName) : client.schema!(schemaName).from(tableName)) as QueryBuilder;

  /** Runs a freshly built query (a retry builds it again), mapping PostgREST errors. */
  function run(op: string, query: () => PromiseLike<PostgrestResult>): Promise<PostgrestResult> {
    return withPolicy(options.policy, op !== 'insert', async () => {
      let result: PostgrestResult;
      try {
        result = await query();
      } catch (error) {
        throw dbError(error, op, name);
      }
      if (result.error) {
        const { details } = result.error;
        const trimmed = typeof details === 'string' && details.length > 500 ? `${details.slice(0, 500)}…` : details;
        throw dbError({ ...result.error, details: trimmed }, op, name, result.status);
      }
      return result;
    });
  }
  const rowsOf = (result: PostgrestResult): AnyRow[] => (Array.isArray(result.data) ? (result.data as AnyRow[]) : []);

  async function insert(input: Row | readonly Row[]): Promise<Row[]> {
    const rows = await checkRows(schema, normalizeRows(input, 'insert'), `${name}: insert`);
    if (rows.length === 0) return [];
    const result = await run('insert', () => from().insert(rows, { defaultToNull: false }).select());
    return checkRows(schema, rowsOf(result), `${name}: insert`);
  }

  async function select(opts: SelectOptions<Row> = {}): Promise<AnyRow[]> {
    const { conditions, order, columns } = normalizeSelect(opts);
    if (opts.limit === 0) return [];
    const offset = opts.offset ?? 0;
    const query = () => {
      const q = applyOrder(applyFilters(from().select(columns ? columns.join(',') : '*'), conditions), order);
      return opts.limit !== undefined || offset > 0 ? q.range(offset, offset + (opts.limit ?? NO_LIMIT) - 1) : q;
    };
    const rows = rowsOf(await run('select', query));
    return columns ? rows : checkRows(schema, rows, `${name}: select`);
  }

  /** With a schema, PostgREST cannot roll back: check the patched rows before writing. */
  async function precheck(conditions: Condition[], changes: AnyRow): Promise<void> {
    if (!schema) return;
    const current = rowsOf(await run('update', () => applyFilters(from().select('*'), conditions)));
    await checkRows(
      schema,
      current.map((row) => ({ ...row, ...changes })),
      `${name}: update`,
    );
  }

  async function update(patch: Partial<Row>, where: Where<Row>, opts?: { all?: boolean }): Promise<Row[]> {
    const conditions = mutationWhere(where, opts, 'update');
    const changes = normalizePatch(patch);
    await precheck(conditions, changes);
    const result = await run('update', () => applyFilters(from().update(changes), conditions).select());
    return checkRows(schema, rowsOf(result), `${name}: update`);
  }

  async function upsert(input: Row | readonly Row[], opts: UpsertOptions<Row>): Promise<Row[]> {
    const target = conflictTarget(opts?.onConflict);
    const rows = await checkRows(schema, normalizeRows(input, 'upsert'), `${name}: upsert`);
    if (rows.length === 0) return [];
    const query = () =>
      from()
        .upsert(rows, {
          onConflict: target.join(','),
          ignoreDuplicates: opts.ignoreDuplicates === true,
          defaultToNull: false,
        })
        .select();
    return checkRows(schema, rowsOf(await run('upsert', query)), `${name}: upsert`);
  }

  async function remove(where: Where<Row>, opts?: { all?: boolean }): Promise<number> {
    const conditions = mutationWhere(where, opts, 'delete');
    const result = await run('delete', () => applyFilters(from().delete({ count: 'exact' }), conditions));
    return result.count ?? 0;
  }

  return { name, insert, select: select as Table<Row>['select'], update, upsert, delete: remove };
}
