import postgres from 'postgres';
import { afterAll, expect, it } from 'vitest';
import { postgresStore } from '../../src/workflows/postgres/index.js';
import { describeWithService, services, uniquePrefix } from '../helpers/services.js';
import { runTwoRunners } from './two-runners-scenario.js';

await describeWithService('postgres', 'two workflow runners on one PostgreSQL store', () => {
  const sql = postgres(services.postgres.url, { max: 8, onnotice: () => {} });
  const schema = uniquePrefix('wftwo').toLowerCase();
  afterAll(async () => {
    await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await sql.end();
  });
  it('completes 500 runs exactly once each, never overwriting a step result', async () => {
    const report = await runTwoRunners(postgresStore(sql, { schema }));
    expect(report.compared).toBe(1500);
  }, 90_000);
});
