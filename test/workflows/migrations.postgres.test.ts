import postgres from 'postgres';
import { afterAll, expect, it } from 'vitest';
import { postgresStore } from '../../src/workflows/postgres/index.js';
import { describeWithService, services, uniquePrefix } from '../helpers/services.js';

await describeWithService('postgres', 'postgresStore migrations', () => {
  const sql = postgres(services.postgres.url, { max: 6, onnotice: () => {} });
  const schema = uniquePrefix('wfmig').toLowerCase();
  afterAll(async () => {
    await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await sql.end();
  });

  it('creates its schema once under concurrent first use and records the version', async () => {
    const stores = Array.from({ length: 4 }, () => postgresStore(sql, { schema }));
    expect(await Promise.all(stores.map((s) => s.getRun('none')))).toEqual([null, null, null, null]);
    const versions = await sql.unsafe(`SELECT version FROM "${schema}".wf_migrations ORDER BY version`);
    expect(versions.map((r) => r.version)).toEqual([1]);
    const tables =
      await sql`SELECT table_name FROM information_schema.tables WHERE table_schema = ${schema} ORDER BY 1`;
    expect(tables.map((r) => r.table_name)).toEqual(['wf_inbox', 'wf_migrations', 'wf_runs', 'wf_steps']);
    // A later process finds the schema current and changes nothing.
    const again = postgresStore(sql, { schema });
    expect((await again.createRun({ runId: 'r', workflow: 'w', input: '1', now: 1 })).created).toBe(true);
    expect((await sql.unsafe(`SELECT count(*)::int AS n FROM "${schema}".wf_migrations`))[0]?.n).toBe(1);
  });
});
