import type { StandardSchemaV1 } from '@standard-schema/spec';
import { ValidationError } from '../errors/validation-error.js';
import { configError } from '../internal/config.js';
import { validateWith } from '../internal/schema.js';
import { assertIdentifier } from './identifier.js';
import type { AnyRow } from './types.js';

/** Accepts one row or a list, checks each is an object and each column name is safe. */
export function normalizeRows<Row extends AnyRow>(rows: Row | readonly Row[], op: string): Row[] {
  const list = (Array.isArray(rows) ? rows : [rows]) as Row[];
  list.forEach((row, index) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      const message = `${op}: row ${index} is not an object`;
      throw new ValidationError(message, { issues: [{ message, path: [index] }] });
    }
    for (const column of Object.keys(row)) assertIdentifier(column);
  });
  return list;
}

/** The checked `onConflict` columns of an upsert (at least one; a bad or missing name throws `CONFIG`). */
export function conflictTarget(onConflict: string | readonly string[] | undefined): string[] {
  const target = (typeof onConflict === 'string' ? [onConflict] : [...(onConflict ?? [])]).map((c) =>
    assertIdentifier(c),
  );
  if (target.length === 0) configError('upsert needs onConflict: the column(s) of a unique key');
  return target;
}

/** Checks a patch for `update`: an object with at least one column. */
export function normalizePatch(patch: AnyRow): AnyRow {
  const [row] = normalizeRows(patch, 'update');
  const defined = Object.fromEntries(Object.entries(row as AnyRow).filter(([, v]) => v !== undefined));
  if (Object.keys(defined).length === 0) {
    throw new ValidationError('update: the patch sets no column', { issues: [{ message: 'empty patch' }] });
  }
  return defined;
}

/** The defined columns of a row, in key order. */
export function definedColumns(row: AnyRow): string[] {
  return Object.keys(row).filter((k) => row[k] !== undefined);
}

/**
 * Groups rows by their set of defined columns so each group can be written with one
 * statement (columns a row leaves out keep their database defaults). Keeps each row's index.
 */
export function groupByColumns(
  rows: readonly AnyRow[],
): Array<{ columns: string[]; rows: AnyRow[]; indexes: number[] }> {
  const groups = new Map<string, { columns: string[]; rows: AnyRow[]; indexes: number[] }>();
  rows.forEach((row, index) => {
    const columns = definedColumns(row);
    const key = [...columns].sort().join(',');
    let group = groups.get(key);
    if (!group) {
      group = { columns, rows: [], indexes: [] };
      groups.set(key, group);
    }
    group.rows.push(row);
    group.indexes.push(index);
  });
  return [...groups.values()];
}

/** Validates rows with the table's schema (when there is one), returning the parsed rows. */
export async function checkRows<Row extends AnyRow>(
  schema: StandardSchemaV1<unknown, Row> | undefined,
  rows: readonly unknown[],
  context: string,
): Promise<Row[]> {
  if (!schema) return rows as Row[];
  const out: Row[] = [];
  for (const [index, row] of rows.entries()) out.push(await validateWith(schema, row, `${context} row ${index}`));
  return out;
}
