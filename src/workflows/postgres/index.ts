/**
 * PostgreSQL store of durable workflows, over a caller's postgres.js client (optional peer
 * `postgres`). Node-only.
 *
 * @example
 * ```ts
 * import postgres from 'postgres';
 * import { createWorkflowRunner } from '@wawagot/integrations/workflows';
 * import { postgresStore } from '@wawagot/integrations/workflows/postgres';
 * const runner = createWorkflowRunner({ store: postgresStore(postgres(process.env.DATABASE_URL!)), workflows: [] });
 * ```
 * @module
 */
export { type PostgresStoreOptions, postgresStore } from './postgres-store.js';
