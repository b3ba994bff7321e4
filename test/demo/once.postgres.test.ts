// `--once` with DATABASE_URL and REDIS_URL: tables and workflow store on PostgreSQL, the rest on Redis.
import postgres from 'postgres';
import { expect, it } from 'vitest';
import { startApp } from '../../examples/wawagot/app.js';
import { appOptions, parseOptions, runScenario } from '../../examples/wawagot/main.js';
import { describeWithService, services, uniquePrefix } from '../helpers/services.js';

await describeWithService('postgres', 'demo --once on PostgreSQL + Redis', () => {
  it('stores results and summaries in PostgreSQL and drops its schemas afterwards', async () => {
    const prefix = uniquePrefix('demo');
    const options = parseOptions(['--once', '--calls', '10'], {
      DATABASE_URL: services.postgres.url,
      REDIS_URL: services.redis.url,
    });
    const app = await startApp(appOptions({ ...options, prefix }, { port: 0 }));
    const sql = postgres(services.postgres.url, { max: 1, onnotice: () => {} });
    try {
      expect(app.mode).toBe('postgres+redis');
      const result = await runScenario(app, options);
      expect(result.ok).toBe(true);
      expect(result.summary.lost).toBe(0);
      const [summaries] = await sql.unsafe(`SELECT count(*)::int AS n FROM "${prefix}".summaries`);
      const [results] = await sql.unsafe(`SELECT count(*)::int AS n FROM "${prefix}".results`);
      const [runs] = await sql.unsafe(
        `SELECT count(*)::int AS n FROM "${prefix}_wf".wf_runs WHERE status = 'completed'`,
      );
      expect(summaries?.n).toBe(10);
      expect(results?.n).toBe(10);
      expect(runs?.n).toBe(40);
    } finally {
      await app.close({ cleanup: true });
    }
    const left = await sql`SELECT nspname FROM pg_namespace WHERE nspname LIKE ${`${prefix}%`}`;
    expect(left).toHaveLength(0);
    await sql.end();
  }, 120_000);
});
