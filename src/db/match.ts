import type { AnyRow } from './types.js';
import type { Condition, SortKey } from './where.js';

function comparable(value: unknown): unknown {
  return value instanceof Date ? value.getTime() : value;
}

function equal(a: unknown, b: unknown): boolean {
  return comparable(a) === comparable(b);
}

/** Compares like SQL: `undefined` when either side is null (no match). */
function compare(a: unknown, b: unknown): number | undefined {
  if (a === null || a === undefined || b === null || b === undefined) return undefined;
  const x = comparable(a) as number | string;
  const y = comparable(b) as number | string;
  return x < y ? -1 : x > y ? 1 : 0;
}

const likeCache = new Map<string, RegExp>();

/** Compiles a SQL LIKE pattern (`%`, `_`, `\` escape) to an anchored RegExp. */
export function likeToRegExp(pattern: string): RegExp {
  let re = likeCache.get(pattern);
  if (re) return re;
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\\' && i + 1 < pattern.length) {
      source += (pattern[++i] as string).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else if (ch === '%') source += '.*';
    else if (ch === '_') source += '.';
    else source += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  re = new RegExp(`^${source}$`, 's');
  if (likeCache.size > 500) likeCache.clear();
  likeCache.set(pattern, re);
  return re;
}

/** Whether `row` satisfies every condition, with SQL semantics for NULL. */
export function matches(row: AnyRow, conditions: readonly Condition[]): boolean {
  for (const { column, op, value } of conditions) {
    const actual = row[column] ?? null;
    switch (op) {
      case 'is':
        if (actual !== null) return false;
        break;
      case 'eq':
        if (actual === null || !equal(actual, value)) return false;
        break;
      case 'in':
        if (actual === null || !(value as unknown[]).some((v) => equal(actual, v))) return false;
        break;
      case 'like':
        if (typeof actual !== 'string' || !likeToRegExp(value as string).test(actual)) return false;
        break;
      default: {
        const c = compare(actual, value);
        if (c === undefined) return false;
        if (op === 'gt' && !(c > 0)) return false;
        if (op === 'gte' && !(c >= 0)) return false;
        if (op === 'lt' && !(c < 0)) return false;
        if (op === 'lte' && !(c <= 0)) return false;
      }
    }
  }
  return true;
}

/** Sorts like PostgreSQL: NULLs last ascending, first descending. */
export function sortRows<Row extends AnyRow>(rows: Row[], keys: readonly SortKey[]): Row[] {
  if (keys.length === 0) return rows;
  return rows.sort((a, b) => {
    for (const { column, descending } of keys) {
      const x = a[column] ?? null;
      const y = b[column] ?? null;
      if (x === null && y === null) continue;
      const c = x === null ? 1 : y === null ? -1 : (compare(x, y) as number);
      if (c !== 0) return descending ? -c : c;
    }
    return 0;
  });
}
