import { ConflictError } from '../errors/conflict-error.js';
import { IntegrationError } from '../errors/integration-error.js';
import { assertObject, configError } from '../internal/config.js';
import { assertIdentifier } from './identifier.js';
import { matches, sortRows } from './match.js';
import { checkRows, conflictTarget, normalizePatch, normalizeRows } from './rows.js';
import type { AnyRow, SelectOptions, Table, TableOptions, UpsertOptions } from './types.js';
import { mutationWhere, normalizeSelect } from './where.js';

/** Options of {@link memoryTable}. */
export interface MemoryTableOptions<Row extends AnyRow> extends TableOptions<Row> {
  /** Table name used in errors. @default 'memory' */
  name?: string;
  /**
   * Unique keys: each entry is a column or a list of columns whose values must be unique
   * (like a PostgreSQL UNIQUE constraint; rows with a NULL in the key never collide).
   * A duplicate throws `ConflictError`. @default []
   */
  unique?: ReadonlyArray<(keyof Row & string) | ReadonlyArray<keyof Row & string>>;
  /** Fills columns a written row leaves out, like database defaults. */
  defaults?: () => Partial<Row>;
}

const copy = <T>(value: T): T => structuredClone(value);

/**
 * An in-process {@link Table}: same filters, ordering, conflicts and errors as the database
 * drivers, for tests and single-process apps. Rows are copied in and out, so callers never
 * share references with the store.
 *
 * @example
 * ```ts
 * const users = memoryTable<{ id: number; email: string }>({ unique: ['id', 'email'] });
 * await users.insert({ id: 1, email: 'ada@example.com' });
 * ```
 */
export function memoryTable<Row extends AnyRow>(options: MemoryTableOptions<Row> = {}): Table<Row> {
  assertObject('memoryTable options', options);
  const name = options.name ?? 'memory';
  if (options.unique !== undefined && !Array.isArray(options.unique))
    configError('memoryTable unique must be an array of columns or column lists');
  const keys = (options.unique ?? []).map((k) =>
    (typeof k === 'string' ? [k] : [...k]).map((c) => assertIdentifier(c)),
  );
  const { schema, defaults } = options;
  let rows: Row[] = [];

  const keyOf = (row: AnyRow, columns: string[]): string | undefined => {
    const values = columns.map((c) => row[c] ?? null);
    if (values.some((v) => v === null)) return undefined;
    return JSON.stringify(values.map((v) => (v instanceof Date ? v.getTime() : v)));
  };
  /** Throws ConflictError if `candidate` collides with any row in `others`. */
  const assertUnique = (candidate: AnyRow, others: readonly AnyRow[]): void => {
    for (const columns of keys) {
      const key = keyOf(candidate, columns);
      if (key === undefined) continue;
      if (others.some((other) => other !== candidate && keyOf(other, columns) === key)) {
        throw new ConflictError(`${name}: duplicate value for unique key (${columns.join(', ')})`, {
          details: { table: name, columns },
        });
      }
    }
  };
  /** Copies a row about to be stored; a value no database column holds (a function, a symbol) throws. */
  const store = (row: AnyRow): Row => {
    try {
      return copy(row) as Row;
    } catch (cause) {
      throw new IntegrationError(`${name}: a row holds a value that cannot be stored (a function or a symbol)`, {
        code: 'NOT_SERIALIZABLE',
        cause,
      });
    }
  };
  const fill = (row: Row): Row => store({ ...(defaults?.() ?? {}), ...stripUndefined(row) });

  async function insert(input: Row | readonly Row[]): Promise<Row[]> {
    const list = await checkRows(schema, normalizeRows(input, 'insert'), `${name}: insert`);
    const next = [...rows];
    const added = list.map(fill);
    for (const row of added) {
      assertUnique(row, next);
      next.push(row);
    }
    rows = next;
    return added.map(copy);
  }

  async function select(opts: SelectOptions<Row> = {}): Promise<AnyRow[]> {
    const { conditions, order, columns } = normalizeSelect(opts);
    let found = sortRows(
      rows.filter((row) => matches(row, conditions)),
      order,
    );
    const start = opts.offset ?? 0;
    found = found.slice(start, opts.limit === undefined ? undefined : start + opts.limit);
    const out = await checkRows(schema, found.map(copy), `${name}: select`);
    if (!columns) return out;
    return out.map((row) => Object.fromEntries(columns.map((c) => [c, row[c] ?? null])));
  }

  async function update(patch: Partial<Row>, where: Parameters<Table<Row>['update']>[1], opts?: { all?: boolean }) {
    const conditions = mutationWhere(where, opts, 'update');
    const changes = normalizePatch(patch);
    for (;;) {
      const snapshot = rows;
      const updated: Row[] = [];
      const next = snapshot.map((row) => {
        if (!matches(row, conditions)) return row;
        const changed = store({ ...row, ...changes });
        updated.push(changed);
        return changed;
      });
      const checked = await checkRows(schema, updated, `${name}: update`);
      // Another write landed while validating: redo on its result rather than overwrite it.
      if (rows !== snapshot) continue;
      for (const row of updated) assertUnique(row, next);
      rows = next;
      return checked.map(copy);
    }
  }

  async function upsert(input: Row | readonly Row[], opts: UpsertOptions<Row>): Promise<Row[]> {
    const target = conflictTarget(opts?.onConflict);
    const list = await checkRows(schema, normalizeRows(input, 'upsert'), `${name}: upsert`);
    const next = [...rows];
    const out: Row[] = [];
    for (const row of list) {
      const key = keyOf(row, target);
      const index = key === undefined ? -1 : next.findIndex((r) => keyOf(r, target) === key);
      if (index < 0) {
        const added = fill(row);
        assertUnique(added, next);
        next.push(added);
        out.push(added);
      } else if (!opts.ignoreDuplicates) {
        const merged = store({ ...next[index], ...stripUndefined(row) });
        next[index] = merged;
        assertUnique(merged, next);
        out.push(merged);
      }
    }
    rows = next;
    return out.map(copy);
  }

  async function remove(where: Parameters<Table<Row>['delete']>[0], opts?: { all?: boolean }): Promise<number> {
    const conditions = mutationWhere(where, opts, 'delete');
    const before = rows.length;
    rows = rows.filter((row) => !matches(row, conditions));
    return before - rows.length;
  }

  return { name, insert, select: select as Table<Row>['select'], update, upsert, delete: remove };
}

function stripUndefined(row: AnyRow): AnyRow {
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined));
}
