import { IntegrationError } from '../errors/integration-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { assertObject } from '../internal/config.js';
import { assertIdentifier } from './identifier.js';
import type { AnyRow, MutateOptions, OrderBy, SelectOptions, Where } from './types.js';

/** A comparison operator of a normalised condition. */
export type Operator = 'eq' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'like' | 'is';

/** One normalised `where` condition: `column op value`. */
export interface Condition {
  column: string;
  op: Operator;
  value: unknown;
}

const OPERATORS = new Set(['gt', 'gte', 'lt', 'lte', 'in', 'like', 'is']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function invalid(message: string, column: string): never {
  throw new ValidationError(message, { issues: [{ message, path: [column] }] });
}

/**
 * Turns a `where` object into a flat list of conditions, checking every column name and
 * operator. Throws `CONFIG` for a bad column name, `ValidationError` for a bad operator or
 * operand. `undefined` values are ignored (as an absent key).
 */
export function normalizeWhere(where: Where<AnyRow> | undefined): Condition[] {
  if (where === undefined || where === null) return [];
  if (!isPlainObject(where)) invalid('where must be a plain object', '');
  const out: Condition[] = [];
  for (const [column, spec] of Object.entries(where)) {
    assertIdentifier(column);
    if (spec === undefined) continue;
    if (spec === null) {
      out.push({ column, op: 'is', value: null });
      continue;
    }
    if (!isPlainObject(spec)) {
      if (Array.isArray(spec)) invalid(`where.${column}: use { in: [...] } to match a list`, column);
      out.push({ column, op: 'eq', value: spec });
      continue;
    }
    const ops = Object.entries(spec).filter(([, v]) => v !== undefined);
    if (ops.length === 0) invalid(`where.${column}: empty operator object`, column);
    for (const [op, value] of ops) {
      if (!OPERATORS.has(op)) invalid(`where.${column}: unknown operator "${op.slice(0, 20)}"`, column);
      if (op === 'in' && !Array.isArray(value)) invalid(`where.${column}.in must be an array`, column);
      if (op === 'like' && typeof value !== 'string') invalid(`where.${column}.like must be a string`, column);
      if (op === 'is' && value !== null) invalid(`where.${column}.is only accepts null`, column);
      if (op !== 'in' && op !== 'is' && (value === null || isPlainObject(value) || Array.isArray(value))) {
        invalid(`where.${column}.${op} needs a scalar value`, column);
      }
      out.push({ column, op: op as Operator, value });
    }
  }
  return out;
}

/**
 * Normalises `where` for `update`/`delete` and refuses an empty one unless `{ all: true }`:
 * a forgotten filter must not wipe a table.
 */
export function mutationWhere(
  where: Where<AnyRow> | undefined,
  options: MutateOptions | undefined,
  op: string,
): Condition[] {
  const conditions = normalizeWhere(where);
  if (conditions.length === 0 && options?.all !== true) {
    throw new IntegrationError(`${op} without a where condition would touch every row; pass { all: true } to mean it`, {
      code: 'UNSAFE_OPERATION',
    });
  }
  return conditions;
}

/** A normalised sort key. */
export interface SortKey {
  column: string;
  descending: boolean;
}

/** Normalises `orderBy`, checking column names. */
export function normalizeOrder(orderBy: OrderBy<AnyRow> | ReadonlyArray<OrderBy<AnyRow>> | undefined): SortKey[] {
  if (orderBy === undefined) return [];
  const list = Array.isArray(orderBy) ? orderBy : [orderBy];
  return list.map((item: OrderBy<AnyRow>) => {
    if (typeof item === 'string') return { column: assertIdentifier(item), descending: false };
    if (item.direction !== undefined && item.direction !== 'asc' && item.direction !== 'desc') {
      invalid(`orderBy.direction must be 'asc' or 'desc'`, item.column);
    }
    return { column: assertIdentifier(item.column), descending: item.direction === 'desc' };
  });
}

/** Checks `limit`/`offset` (non-negative integers). */
export function assertPaging(limit: unknown, offset: unknown): void {
  for (const [name, value] of [
    ['limit', limit],
    ['offset', offset],
  ] as const) {
    if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < 0)) {
      invalid(`${name} must be a non-negative integer`, name);
    }
  }
}

/** Checks every option of `select` once: its conditions, sort keys, paging and column names. */
export function normalizeSelect<Row extends AnyRow>(
  opts: SelectOptions<Row>,
): {
  conditions: Condition[];
  order: SortKey[];
  columns: string[] | undefined;
} {
  assertObject('select options', opts);
  const conditions = normalizeWhere(opts.where as Where<AnyRow> | undefined);
  const order = normalizeOrder(opts.orderBy as OrderBy<AnyRow> | ReadonlyArray<OrderBy<AnyRow>> | undefined);
  assertPaging(opts.limit, opts.offset);
  return { conditions, order, columns: opts.columns?.map((c) => assertIdentifier(c)) };
}
