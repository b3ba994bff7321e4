/**
 * PostgreSQL driver of `Table`, over a caller's postgres.js client (optional peer `postgres`).
 *
 * @example
 * ```ts
 * import postgres from 'postgres';
 * import { postgresTable } from '@wawagot/integrations/db/postgres';
 * const users = postgresTable(postgres(process.env.DATABASE_URL!), 'users');
 * ```
 * @module
 */
export { type PostgresTableOptions, postgresTable } from './postgres-table.js';
