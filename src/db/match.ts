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

// A compiled LIKE pattern: literal characters, ANY (`%`) and ONE (`_`).
const ANY = 0;
const ONE = 1;
type LikeToken = string | typeof ANY | typeof ONE;
const likeCache = new Map<string, LikeToken[]>();

function compileLike(pattern: string): LikeToken[] {
  let tokens = likeCache.get(pattern);
  if (tokens) return tokens;
  tokens = [];
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    if (ch === '\\' && i + 1 < chars.length) tokens.push(chars[++i] as string);
    else tokens.push(ch === '%' ? ANY : ch === '_' ? ONE : ch);
  }
  if (likeCache.size > 500) likeCache.clear();
  likeCache.set(pattern, tokens);
  return tokens;
}

/**
 * SQL LIKE (`%`, `_`, `\` escape) over whole characters. A wildcard walk that only ever
 * backtracks to the last `%`, so a pattern like `%a%a%a%a%b` costs O(text × pattern): a
 * regular expression here would backtrack exponentially on a user-supplied pattern.
 */
export function likeMatch(pattern: string, value: string): boolean {
  const p = compileLike(pattern);
  const t = Array.from(value);
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (i < t.length) {
    const token = p[j];
    if (j < p.length && (token === ONE || token === t[i])) {
      i++;
      j++;
    } else if (token === ANY) {
      star = j++;
      mark = i;
    } else if (star >= 0) {
      j = star + 1;
      i = ++mark;
    } else return false;
  }
  while (p[j] === ANY) j++;
  return j === p.length;
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
        if (typeof actual !== 'string' || !likeMatch(value as string, actual)) return false;
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
