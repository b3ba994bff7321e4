import type { Condition, SortKey } from '../where.js';

/** The filter/modifier methods of a postgrest-js builder this driver calls. */
export interface FilterBuilder {
  eq(column: string, value: unknown): this;
  gt(column: string, value: unknown): this;
  gte(column: string, value: unknown): this;
  lt(column: string, value: unknown): this;
  lte(column: string, value: unknown): this;
  like(column: string, pattern: string): this;
  is(column: string, value: null): this;
  filter(column: string, operator: string, value: unknown): this;
  order(column: string, options: { ascending: boolean }): this;
  range(from: number, to: number): this;
  limit(count: number): this;
  select(columns?: string): this;
}

const scalar = (value: unknown) => (value instanceof Date ? value.toISOString() : value);

/**
 * One value of a PostgREST `in.(...)` list: always double-quoted, with `\` and `"` escaped
 * by a backslash as PostgREST documents, so commas, parentheses and quotes stay data.
 * (postgrest-js `.in()` quotes only values holding `,()` and escapes nothing.)
 *
 * @example
 * ```ts
 * quoteListValue('a,"b"'); // '"a,\\"b\\""'
 * ```
 */
export function quoteListValue(value: unknown): string {
  const text = String(scalar(value));
  return `"${text.replace(/[\\"]/g, '\\$&')}"`;
}

/** Applies normalised conditions to a postgrest-js builder. */
export function applyFilters<B extends FilterBuilder>(builder: B, conditions: readonly Condition[]): B {
  let b: FilterBuilder = builder;
  for (const { column, op, value } of conditions) {
    switch (op) {
      case 'is':
        b = b.is(column, null);
        break;
      case 'in':
        b = b.filter(column, 'in', `(${(value as unknown[]).map(quoteListValue).join(',')})`);
        break;
      case 'like':
        b = b.like(column, value as string);
        break;
      default:
        b = b[op](column, scalar(value));
    }
  }
  return b as B;
}

/** Applies sort keys (PostgREST's NULL placement matches PostgreSQL's defaults). */
export function applyOrder<B extends FilterBuilder>(builder: B, keys: readonly SortKey[]): B {
  let b: FilterBuilder = builder;
  for (const { column, descending } of keys) b = b.order(column, { ascending: !descending });
  return b as B;
}
