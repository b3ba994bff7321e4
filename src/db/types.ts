import type { StandardSchemaV1 } from '@standard-schema/spec';

/** A row: a plain object keyed by column name. */
export type AnyRow = Record<string, unknown>;

/**
 * Operators a `where` condition may use on one column. Several operators on the same column
 * are combined with AND. `like` uses SQL LIKE patterns (`%` any run, `_` one character,
 * `\` escapes).
 */
export interface WhereOperators<V> {
  gt?: V;
  gte?: V;
  lt?: V;
  lte?: V;
  in?: readonly V[];
  like?: string;
  is?: null;
}

/**
 * A filter: every listed column must match (AND). A plain value means equality, `null` means
 * `IS NULL`, an object uses {@link WhereOperators}. Values are always sent as bound
 * parameters, never spliced into SQL.
 *
 * @example
 * ```ts
 * const where: Where<User> = { team: 'core', age: { gte: 18, lt: 65 }, deletedAt: null };
 * ```
 */
export type Where<Row extends AnyRow> = {
  [K in keyof Row]?: Row[K] | null | WhereOperators<Row[K]>;
};

/** One sort key: a column name (ascending) or `{ column, direction }`. */
export type OrderBy<Row extends AnyRow> =
  | (keyof Row & string)
  | { column: keyof Row & string; direction?: 'asc' | 'desc' };

/** Options of `Table#select`. */
export interface SelectOptions<Row extends AnyRow, K extends keyof Row & string = keyof Row & string> {
  /** Rows must match every condition. @default {} (all rows) */
  where?: Where<Row>;
  /** Columns to return. @default every column */
  columns?: readonly K[];
  /** Sort keys, first one first. Without it the order is the backend's. */
  orderBy?: OrderBy<Row> | ReadonlyArray<OrderBy<Row>>;
  /** Maximum number of rows. */
  limit?: number;
  /** Rows to skip (use with `orderBy` for stable pages). @default 0 */
  offset?: number;
}

/** Options of `Table#update` and `Table#delete`. */
export interface MutateOptions {
  /** Required to run with an empty `where`, i.e. on every row. @default false */
  all?: boolean;
}

/** Options of `Table#upsert`. */
export interface UpsertOptions<Row extends AnyRow> {
  /** The unique column(s) that identify an existing row. */
  onConflict: (keyof Row & string) | ReadonlyArray<keyof Row & string>;
  /** Keep existing rows untouched instead of updating them (they are not returned). @default false */
  ignoreDuplicates?: boolean;
}

/**
 * A table of rows on any backend (memory, PostgreSQL, Supabase). Failures are typed:
 * `ConflictError` (unique violation), `ValidationError` (bad value or schema failure),
 * `NotFoundError`, `StorageError` (anything else, `retryable` for transient faults), and
 * `IntegrationError` `UNSAFE_OPERATION` for an update/delete without `where` nor `{ all: true }`.
 *
 * @example
 * ```ts
 * const [user] = await users.insert([{ id: 1, name: 'Ada' }]);
 * const adults = await users.select({ where: { age: { gte: 18 } }, orderBy: 'name', limit: 10 });
 * await users.update({ name: 'Ada L.' }, { id: 1 });
 * await users.delete({ id: 1 });
 * ```
 */
export interface Table<Row extends AnyRow> {
  /** Table name as given to the factory. */
  readonly name: string;
  /** Inserts rows and resolves to them as stored (with defaults filled in). */
  insert(rows: Row | readonly Row[]): Promise<Row[]>;
  /** Reads rows; with `columns`, each row holds only those columns. */
  select(options?: SelectOptions<Row> & { columns?: undefined }): Promise<Row[]>;
  /** Reads rows holding only the listed `columns`. */
  select<K extends keyof Row & string>(
    options: SelectOptions<Row, K> & { columns: readonly K[] },
  ): Promise<Array<Pick<Row, K>>>;
  /** Applies `patch` to every row matching `where` and resolves to the updated rows. */
  update(patch: Partial<Row>, where: Where<Row>, options?: MutateOptions): Promise<Row[]>;
  /** Inserts rows, or updates the existing ones that collide on `onConflict`. */
  upsert(rows: Row | readonly Row[], options: UpsertOptions<Row>): Promise<Row[]>;
  /** Deletes the rows matching `where` and resolves to how many were deleted. */
  delete(where: Where<Row>, options?: MutateOptions): Promise<number>;
}

/** Options every table driver accepts. */
export interface TableOptions<Row extends AnyRow> {
  /**
   * Standard Schema (zod, valibot, arktype) every row written (`insert`, `upsert`) and read
   * back is validated with; a failure throws `ValidationError`.
   */
  schema?: StandardSchemaV1<unknown, Row>;
}

/** Options of `KeyValue#set`. */
export interface SetOptions {
  /** Time to live in milliseconds. @default no expiry */
  ttlMs?: number;
}

/**
 * A JSON key-value store (memory, Redis, files). Values are JSON: a value that does not
 * serialise (cycle, BigInt, function, `undefined`) throws `IntegrationError`
 * `NOT_SERIALIZABLE` before anything is written.
 *
 * @example
 * ```ts
 * await kv.set('session:1', { user: 'ada' }, { ttlMs: 60_000 });
 * const session = await kv.get<{ user: string }>('session:1');
 * ```
 */
export interface KeyValue {
  /** The value, or `undefined` when the key is missing or expired. */
  get<T = unknown>(key: string): Promise<T | undefined>;
  /** Stores `value` (JSON) under `key`. */
  set(key: string, value: unknown, options?: SetOptions): Promise<void>;
  /** Removes `key`; resolves to whether it existed. */
  delete(key: string): Promise<boolean>;
  /** Whether `key` exists and has not expired. */
  has(key: string): Promise<boolean>;
  /** Every live key starting with `prefix`, sorted. @default prefix '' */
  keys(prefix?: string): Promise<string[]>;
  /** Values of `keys`, in the same order (`undefined` for missing ones). */
  getMany<T = unknown>(keys: readonly string[]): Promise<Array<T | undefined>>;
  /** Stores several entries; every value is serialised before the first is written. */
  setMany(entries: ReadonlyArray<readonly [string, unknown]>, options?: SetOptions): Promise<void>;
}
