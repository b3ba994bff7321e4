import postgres from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { postgresStore } from '../../src/workflows/postgres/index.js';
import { describeWithService, services, uniquePrefix } from '../helpers/services.js';
import { runCrashTest } from './crash-scenario.js';

await describeWithService('postgres', 'workflow crash-resume on PostgreSQL', () => {
  const sql = postgres(services.postgres.url, { max: 4, onnotice: () => {} });
  const schema = uniquePrefix('wfcrash').toLowerCase();
  beforeAll(async () => {
    await sql.unsafe(
      `CREATE TABLE public."${schema}_counters" (run_id text, step int, n int, PRIMARY KEY (run_id, step))`,
    );
  });
  afterAll(async () => {
    await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await sql.unsafe(`DROP TABLE IF EXISTS public."${schema}_counters"`);
    await sql.end();
  });

  it('completes 200 five-step runs across repeated SIGKILLs, re-running only interrupted steps', async () => {
    const report = await runCrashTest({ kind: 'postgres', name: schema, sql, store: postgresStore(sql, { schema }) });
    expect(report.completed).toBe(200);
  }, 120_000);
});
