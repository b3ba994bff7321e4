// `--once` with REDIS_URL: BullMQ queues, the Redis bus transport, redisKV and redisStore.
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { startApp } from '../../examples/wawagot/app.js';
import { appOptions, parseOptions, runScenario } from '../../examples/wawagot/main.js';
import { describeWithService, services, uniquePrefix } from '../helpers/services.js';

await describeWithService('redis', 'demo --once on Redis', () => {
  it('runs every request through Redis and leaves no key behind', async () => {
    const prefix = uniquePrefix('demo');
    const options = parseOptions(['--once', '--calls', '10'], { REDIS_URL: services.redis.url });
    const app = await startApp(appOptions({ ...options, prefix }, { port: 0 }));
    const redis = new Redis(services.redis.url);
    try {
      expect(app.mode).toBe('redis');
      const result = await runScenario(app, options);
      expect(result.summary.lost).toBe(0);
      expect(result.summary.unfinished).toBe(0);
      expect(result.forgedStatus).toBe(401);
      expect(result.ok).toBe(true);
      // The state really lives in Redis: queues, bus stream, KV and workflow runs.
      const keys = await redis.keys(`${prefix}:*`);
      expect(keys.some((k) => k.startsWith(`${prefix}:bull:`))).toBe(true);
      expect(keys).toContain(`${prefix}:events`);
      expect(keys.some((k) => k.startsWith(`${prefix}:kv:`))).toBe(true);
      expect(keys.some((k) => k.startsWith(`${prefix}:wf`))).toBe(true);
    } finally {
      await app.close({ cleanup: true });
    }
    expect(await redis.keys(`${prefix}:*`)).toEqual([]);
    redis.disconnect();
  }, 120_000);
});
