import { Redis } from 'ioredis';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { redisStore } from '../../src/workflows/redis/index.js';
import { describeWithService, services, uniquePrefix } from '../helpers/services.js';
import { runCrashTest } from './crash-scenario.js';

await describeWithService('redis', 'workflow crash-resume on Redis', async () => {
  const sql = postgres(services.postgres.url, { max: 4, onnotice: () => {} });
  const redis = new Redis(services.redis.url);
  const name = uniquePrefix('wfcrash').toLowerCase();
  beforeAll(async () => {
    await sql.unsafe(
      `CREATE TABLE public."${name}_counters" (run_id text, step int, n int, PRIMARY KEY (run_id, step))`,
    );
  });
  afterAll(async () => {
    await sql.unsafe(`DROP TABLE IF EXISTS public."${name}_counters"`);
    await sql.end();
    const keys = await redis.keys(`${name}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('completes 200 five-step runs across repeated SIGKILLs, re-running only interrupted steps', async () => {
    const report = await runCrashTest({ kind: 'redis', name, sql, store: redisStore(redis, { prefix: name }), redis });
    expect(report.completed).toBe(200);
  }, 120_000);
});
