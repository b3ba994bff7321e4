import { IntegrationError } from '../errors/integration-error.js';

const IDENT = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;

/**
 * Checks a column or table name before it reaches SQL or a PostgREST URL: letters, digits,
 * `_` and `$`, starting with a letter or `_`, at most 63 characters (PostgreSQL's limit).
 * Anything else (quotes, semicolons, spaces, dots in a column) throws `CONFIG`.
 *
 * @example
 * ```ts
 * assertIdentifier('created_at'); // 'created_at'
 * assertIdentifier('name"; DROP TABLE users; --'); // throws IntegrationError CONFIG
 * ```
 */
export function assertIdentifier(name: unknown, what = 'column'): string {
  if (typeof name !== 'string' || !IDENT.test(name)) {
    throw new IntegrationError(
      `invalid ${what} name ${JSON.stringify(String(name)).slice(0, 80)}: use letters, digits, _ and $ only`,
      { code: 'CONFIG' },
    );
  }
  return name;
}

/**
 * Checks a table name, optionally schema-qualified (`schema.table`).
 *
 * @example
 * ```ts
 * assertTableName('analytics.events'); // 'analytics.events'
 * ```
 */
export function assertTableName(name: unknown): string {
  if (typeof name !== 'string') return assertIdentifier(name, 'table');
  const parts = name.split('.');
  if (parts.length > 2) assertIdentifier(name, 'table');
  for (const part of parts) assertIdentifier(part, 'table');
  return name;
}
