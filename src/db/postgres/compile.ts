import type { Condition, SortKey } from '../where.js';

/**
 * A statement compiled to text plus bound parameters. Only identifiers (already checked by
 * `assertIdentifier`: letters, digits, `_`, `$`) and fixed keywords are written into the
 * text; every value goes to `params` as `$n`. Compiling the hot read path to one string
 * saves building a postgres.js fragment object per clause, and the identical text per
 * query shape lets postgres.js reuse its prepared statement.
 */
export interface Compiled {
  text: string;
  params: unknown[];
}

/** Quotes a checked identifier, applying the client's column transform (e.g. `postgres.toCamel`). */
export type Quote = (identifier: string) => string;

/** Makes a quoting function; `to` is postgres.js `options.transform.column.to`. */
export function quoter(to: ((name: string) => string) | undefined): Quote {
  return (name) => `"${(to ? to(name) : name).replace(/"/g, '""')}"`;
}

const OPS = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/** `where ...` (or `''`), pushing values onto `params`. */
export function compileWhere(conditions: readonly Condition[], params: unknown[], quote: Quote): string {
  if (conditions.length === 0) return '';
  const bind = (value: unknown) => `$${params.push(value)}`;
  const parts = conditions.map(({ column, op, value }) => {
    const col = quote(column);
    if (op === 'is') return `${col} is null`;
    if (op === 'like') return `${col} like ${bind(value)}`;
    if (op === 'in') {
      const list = value as unknown[];
      return list.length === 0 ? 'false' : `${col} in (${list.map(bind).join(',')})`;
    }
    return `${col} ${OPS[op]} ${bind(value)}`;
  });
  return ` where ${parts.join(' and ')}`;
}

/** `order by ...` (or `''`). */
export function compileOrder(keys: readonly SortKey[], quote: Quote): string {
  if (keys.length === 0) return '';
  return ` order by ${keys.map((k) => `${quote(k.column)} ${k.descending ? 'desc' : 'asc'}`).join(', ')}`;
}
