import type { PendingQuery, Row as PgRow, Sql } from 'postgres';
import { configError } from '../../internal/config.js';
import { dbError } from '../db-errors.js';
import { assertTableName } from '../identifier.js';
import { type DriverOptions, withPolicy } from '../policy.js';
import { checkRows, conflictTarget, groupByColumns, normalizePatch, normalizeRows } from '../rows.js';
import type { AnyRow, SelectOptions, Table, TableOptions, UpsertOptions, Where } from '../types.js';
import { mutationWhere, normalizeSelect } from '../where.js';
import { compileOrder, compileWhere, quoter } from './compile.js';

/** Options of {@link postgresTable}. */
export interface PostgresTableOptions<Row extends AnyRow> extends TableOptions<Row>, DriverOptions {}

type Fragment = PendingQuery<PgRow[]>;
// Any postgres.js instance, whatever its custom types.
type AnySql = Sql<any>;

/**
 * A {@link Table} over PostgreSQL through a caller's postgres.js `sql` (a pool or a
 * transaction). Table and column names are checked and quoted; every value is a bound
 * parameter. Rows come back as postgres.js parses them (int8/numeric as strings unless the
 * client is configured otherwise). `name` may be schema-qualified: `'analytics.events'`.
 *
 * @example
 * ```ts
 * import postgres from 'postgres';
 * import { postgresTable } from '@wawagot/integrations/db/postgres';
 * const sql = postgres(process.env.DATABASE_URL!);
 * const users = postgresTable<{ id: number; email: string }>(sql, 'users');
 * const [ada] = await users.select({ where: { email: 'ada@example.com' } });
 * ```
 */
export function postgresTable<Row extends AnyRow>(
  sql: AnySql,
  name: string,
  options: PostgresTableOptions<Row> = {},
): Table<Row> {
  if (typeof sql !== 'function') configError('postgresTable needs a postgres.js sql instance');
  assertTableName(name);
  const { schema } = options;
  const table = sql(name);
  const label = JSON.stringify(name);
  const quote = quoter(
    (sql as { options?: { transform?: { column?: { to?: (n: string) => string } } } }).options?.transform?.column?.to,
  );
  const quotedTable = name.split('.').map(quote).join('.');

  const join = (parts: Fragment[], separator: 'and' | ','): Fragment =>
    parts.reduce((acc, part) => (separator === 'and' ? sql`${acc} and ${part}` : sql`${acc}, ${part}`));

  function run<T>(op: string, fn: () => Promise<T>): Promise<T> {
    const attempt = () =>
      fn().then(undefined, (error: unknown) => {
        throw dbError(error, op, label);
      });
    return withPolicy(options.policy, op !== 'insert', attempt);
  }
  /** Runs `fn` in a transaction when the client can open one, else on the client itself. */
  const inTransaction = <T>(fn: (tx: AnySql) => Promise<T>): Promise<T> =>
    typeof (sql as { begin?: unknown }).begin === 'function'
      ? (sql.begin((tx) => fn(tx as unknown as AnySql)) as Promise<T>)
      : fn(sql);

  async function writeGroups(rows: AnyRow[], build: (tx: AnySql, rows: AnyRow[], columns: string[]) => Fragment) {
    const groups = groupByColumns(rows);
    const write = async (tx: AnySql) => {
      const out: AnyRow[] = new Array(rows.length);
      let kept: AnyRow[] = [];
      for (const group of groups) {
        const result = [...(await build(tx, group.rows, group.columns))];
        if (result.length === group.rows.length)
          group.indexes.forEach((index, i) => {
            out[index] = result[i] as AnyRow;
          });
        else kept = kept.concat(result); // upsert ... do nothing returns only the inserted rows
      }
      return [...out.filter(Boolean), ...kept];
    };
    return groups.length === 1 ? write(sql) : inTransaction(write);
  }

  async function insert(input: Row | readonly Row[]): Promise<Row[]> {
    const rows = await checkRows(schema, normalizeRows(input, 'insert'), `${name}: insert`);
    if (rows.length === 0) return [];
    const written = await run('insert', () =>
      writeGroups(rows, (tx, group, columns) =>
        columns.length === 0
          ? tx`insert into ${table} select from generate_series(1, ${group.length}) returning *`
          : tx`insert into ${table} ${tx(group, columns)} returning *`,
      ),
    );
    return checkRows(schema, written, `${name}: insert`);
  }

  async function select(opts: SelectOptions<Row> = {}): Promise<AnyRow[]> {
    const { conditions, order, columns } = normalizeSelect(opts);
    const params: unknown[] = [];
    let text = `select ${columns ? columns.map(quote).join(', ') : '*'} from ${quotedTable}`;
    text += compileWhere(conditions, params, quote) + compileOrder(order, quote);
    if (opts.limit !== undefined) text += ` limit $${params.push(opts.limit)}`;
    if (opts.offset) text += ` offset $${params.push(opts.offset)}`;
    // A postgres.js Result is an Array subclass: hand out a plain array.
    const rows = await run('select', () =>
      sql.unsafe(text, params as never[], { prepare: true }).then((result) => Array.from(result) as AnyRow[]),
    );
    return columns ? rows : checkRows(schema, rows, `${name}: select`);
  }

  async function update(patch: Partial<Row>, where: Where<Row>, opts?: { all?: boolean }): Promise<Row[]> {
    const conditions = mutationWhere(where, opts, 'update');
    const changes = normalizePatch(patch);
    const params: unknown[] = [];
    const set = Object.keys(changes).map((column) => `${quote(column)} = $${params.push(changes[column])}`);
    const text = `update ${quotedTable} set ${set.join(', ')}${compileWhere(conditions, params, quote)} returning *`;
    const statement = async (tx: AnySql) =>
      [...(await tx.unsafe(text, params as never[], { prepare: true }))] as unknown as Row[];
    return run('update', () =>
      // With a schema, the updated rows are checked before the transaction commits.
      schema ? inTransaction(async (tx) => checkRows(schema, await statement(tx), `${name}: update`)) : statement(sql),
    );
  }

  async function upsert(input: Row | readonly Row[], opts: UpsertOptions<Row>): Promise<Row[]> {
    const target = conflictTarget(opts?.onConflict);
    const rows = await checkRows(schema, normalizeRows(input, 'upsert'), `${name}: upsert`);
    if (rows.length === 0) return [];
    const written = await run('upsert', () =>
      writeGroups(rows, (tx, group, columns) => {
        const updates = columns.filter((c) => !target.includes(c));
        const action =
          opts.ignoreDuplicates || updates.length === 0
            ? sql`do nothing`
            : sql`do update set ${join(
                updates.map((c) => sql`${sql(c)} = excluded.${sql(c)}`),
                ',',
              )}`;
        return tx`insert into ${table} ${tx(group, columns)} on conflict (${sql(target)}) ${action} returning *`;
      }),
    );
    return checkRows(schema, written, `${name}: upsert`);
  }

  async function remove(where: Where<Row>, opts?: { all?: boolean }): Promise<number> {
    const conditions = mutationWhere(where, opts, 'delete');
    const params: unknown[] = [];
    const text = `delete from ${quotedTable}${compileWhere(conditions, params, quote)}`;
    return run('delete', async () => (await sql.unsafe(text, params as never[], { prepare: true })).count);
  }

  return { name, insert, select: select as Table<Row>['select'], update, upsert, delete: remove };
}
